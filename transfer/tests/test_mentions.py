"""Pingbacks and trackbacks are mentions: links from elsewhere, listed apart from the thread."""

import pytest

from comments.models import Comment
from comments.operations import set_status
from posts.models import Post
from transfer.tests.conftest import real, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def pings():
    out, _ = run("import_wordpress", real("wxr-wpimporter-theme-unit-test-data.xml"))
    assert "4 mentions (pingbacks, trackbacks)" in out
    return Post.objects.get(import_id="wp:1149")  # Template: Pingbacks And Trackbacks


def test_pingbacks_and_trackbacks_are_mentions_with_decoded_titles(pings):
    mentions = pings.comments.filter(kind="mention").order_by("name")
    assert [m.name for m in mentions][:2] == [
        "Ping 1 « What’s a tellyworth?",
        "Ping 2 with a much longer title than the previous ping, which was called Ping 1 « "
        "What’s a tellyworth?"[:100],
    ]
    assert all(m.parent_id is None and m.status == "approved" for m in mentions)
    assert set(pings.comments.values_list("channel", flat=True)) == {"import"}
    assert pings.comments.filter(kind="comment").get().name == "John Doe"
    assert not Comment.objects.filter(name__contains="&").exists()


def test_mentions_are_listed_under_the_thread_not_in_it_or_its_count(pings, client):
    pings.refresh_from_db()
    assert pings.comment_count == 1
    html = client.get(pings.get_absolute_url()).content.decode()
    assert "1 comment<" in html
    thread, _, below = html.partition('<section class="mentions"')
    assert "John Doe" in thread and "tellyworth" not in thread
    assert '<h3 id="mentions-heading">Mentions</h3>' in below
    assert (
        '<a href="http://tellyworth.wordpress.com/2007/11/21/ping-4/" rel="nofollow ugc noopener">'
        "Ping 4 « What’s a tellyworth?</a>" in below
    )


def test_mentions_are_moderated_like_comments(pings, client):
    ping = pings.comments.get(name__startswith="Ping 4")
    set_status(ping, Comment.Status.PENDING, reason="test")
    html = client.get(pings.get_absolute_url()).content.decode()
    assert "Ping 4" not in html and "Ping 3" in html
