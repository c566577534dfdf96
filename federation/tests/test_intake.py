"""Remote replies enter through the same moderation as the web form's."""

import pytest

from comments.models import Comment
from comments.tests.factories import make_comment, make_post
from federation.intake import ERASED, RemoteComment, file_remote_comment, remove_remote_comments
from moderation.models import Decision

pytestmark = pytest.mark.django_db

NOTE = "https://social.example/users/ana/statuses/1"


def remote(**overrides):
    fields = {
        "channel": Comment.Channel.ACTIVITYPUB,
        "source_url": NOTE,
        "name": "Ana  Lima",
        "html": "<p>Thanks, this helped with my <em>ward round</em> teaching.</p>",
        "url": "https://social.example/@ana",
        "note": "signature verified",
    }
    return RemoteComment(**{**fields, **overrides})


def test_a_remote_reply_is_judged_recorded_and_threaded():
    post = make_post()
    parent = make_comment(post)
    comment = file_remote_comment(post, remote(parent=parent))
    assert comment.parent == parent and comment.depth == 2
    assert comment.name == "Ana Lima" and comment.channel == "activitypub"
    assert "<em>ward round</em>" in comment.body_html
    assert comment.score is not None  # the filter read it, as it reads a web comment
    log = Decision.objects.get(comment=comment)
    assert log.reason.startswith("signature verified; ")


def test_the_same_original_twice_updates_one_comment():
    post = make_post()
    first = file_remote_comment(post, remote())
    again = file_remote_comment(post, remote(html="<p>Edited: thanks!</p>"))
    assert again.pk == first.pk
    assert Comment.objects.get().body_html == "<p>Edited: thanks!</p>"


def test_a_reply_to_a_comment_on_another_post_is_not_threaded_there():
    post, other = make_post(), make_post()
    comment = file_remote_comment(post, remote(parent=make_comment(other)))
    assert comment.parent is None


def test_script_in_remote_html_is_not_kept():
    comment = file_remote_comment(
        make_post(), remote(html='<p onclick="x()">hi<script>x()</script></p>')
    )
    assert "script" not in comment.body_html and "onclick" not in comment.body_html


def test_a_delete_at_the_source_removes_and_erases():
    post = make_post()
    file_remote_comment(post, remote())
    assert remove_remote_comments(NOTE) == 1
    comment = Comment.objects.get()
    assert comment.status == "removed"
    assert "ward round" not in comment.body + comment.body_html
    assert comment.body == ERASED and comment.url == ""
    # a later redelivery of the deleted original does not bring it back
    assert file_remote_comment(post, remote()).status == "removed"
