from datetime import timedelta

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from moderation.models import BlockRule, DigestState, HeldComment
from moderation.tests.helpers import make_moderator, submit
from posts.tests.factories import make_post, make_user


def held(n, post=None):
    post = post or make_post()
    return [
        Comment.objects.create(post=post, name=f"S{i}", body=f"held text {i}", status="pending",
                               score=0.7, reasons=[f"filter 0.70: 'x{i}'"])
        for i in range(n)
    ]  # fmt: skip


def test_queue_lists_held_and_spam_with_reasons_in_constant_queries(
    db, client, django_assert_num_queries
):
    client.force_login(make_moderator())
    url = reverse("admin:moderation_heldcomment_changelist") + "?q="  # browsing, not the queue
    held(3)
    client.get(url)  # warm up (content types, session)
    with django_assert_num_queries(7) as first:
        response = client.get(url)
    held(20, make_post())
    Comment.objects.create(post=make_post(), name="ok", body="fine")  # approved: not listed
    with django_assert_num_queries(len(first)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 23
    assert "filter 0.70: &#x27;x1&#x27;" in response.content.decode()


def test_queue_bulk_actions_go_through_the_operations(db, client):
    moderator = make_moderator()
    client.force_login(moderator)
    comments = held(2)
    comments[0].body = "Visit http://pills.test/ now"
    comments[0].save()
    url = reverse("admin:moderation_heldcomment_changelist")
    response = client.post(url, {"action": "block_domain", "_selected_action": [comments[0].pk]})
    assert response.status_code == 302
    assert BlockRule.objects.get().value == "pills.test"
    client.post(url, {"action": "moderate_approve", "_selected_action": [comments[1].pk]})
    comments[1].refresh_from_db()
    assert comments[1].status == "approved"
    assert comments[1].decisions.first().actor == moderator
    assert HeldComment.objects.waiting().count() == 1  # the spam one


def test_queue_is_for_moderators_only(db, client):
    client.force_login(make_user(staff=True, groups=["Authors"]))
    assert client.get(reverse("admin:moderation_heldcomment_changelist")).status_code == 403


def test_admin_index_says_how_many_comments_wait(db, client):
    held(3)
    client.force_login(make_moderator())
    response = client.get(reverse("admin:index"))
    assert "3</strong> comments awaiting moderation" in response.content.decode()


def test_comment_page_shows_its_decision_log(db, client):
    client.force_login(make_moderator())
    comment = submit(body="http://a.example/ http://b.example/ links")
    response = client.get(reverse("admin:moderation_heldcomment_change", args=[comment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 links (limit 2)" in html
    # a record to read, not a form whose Save does nothing: the post linked, the score in words
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert f'<a href="{comment.post.get_absolute_url()}">' in html
    assert "likely spam" in html and "['" not in html


def test_digest_at_most_once_an_hour(db, mailoutbox, django_capture_on_commit_callbacks):
    make_moderator(username="mod")
    make_user("reader")
    with django_capture_on_commit_callbacks(execute=True):
        submit(body="one http://a.example/ http://b.example/")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["mod@example.com"]
    assert "1 comment awaiting moderation" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        submit(body="two http://c.example/ http://d.example/")
    assert len(mailoutbox) == 1  # within the hour
    DigestState.objects.update(last_sent_at=timezone.now() - timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        submit(body="three http://e.example/ http://f.example/")
    assert len(mailoutbox) == 2
    assert "3 comments" in mailoutbox[1].subject


def test_a_mail_failure_never_reaches_the_commenter(db, use_mailer, caplog,
                                                    django_capture_on_commit_callbacks):  # fmt: skip
    use_mailer("moderation.tests.test_admin_digest.BrokenBackend")
    make_moderator(username="mod")
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit(body="one http://a.example/ http://b.example/")
    assert comment.pk and comment.status == "pending"
    assert "could not be sent" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


def test_moderators_group_gets_the_queue_and_policy_but_not_posts(db):
    make_moderator()
    perms = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))
    assert {"change_heldcomment", "change_policy", "add_blockrule", "change_comment"} <= perms
    assert not {p for p in perms if p.endswith("_post")}
