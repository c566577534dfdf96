"""Who may skip the captcha and count as a returning commenter (issue 9, item 5).

Trust is earned by a browser (the site's signed cookie naming its comments) when a moderator
approved one of its comments or three were approved; it holds only for the name and email of
those comments, and only for comments of the last 90 days. Typing a name or an email earns
nothing.
"""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import operations
from comments.models import Comment
from comments.tests.factories import form_fields
from moderation import trust
from moderation.models import BlockRule, Policy
from moderation.tests.helpers import make_moderator
from posts.tests.factories import make_post

URL = "/comments/post/"
ORDINARY = "Thanks for the write-up, I will try this with my own students next term."


@pytest.fixture(autouse=True)
def _open(db, settings):
    settings.COMMENT_MIN_SECONDS, settings.COMMENT_RATE_LIMIT = 0, (0, 60)


@pytest.fixture
def post():
    return make_post()


def send(client, post, body=ORDINARY, **fields):
    """Send a comment the way the browser does (reply page, its captcha answered if any)."""
    fields.setdefault("name", "Grace Hopper")
    fields.setdefault("email", "grace@example.com")
    return client.post(URL, form_fields(client, post, body=body, **fields))


def asks_for_captcha(client, post):
    html = client.get(reverse("comments:reply", args=[post.pk])).content.decode()
    return 'name="captcha_0"' in html


def moderate_always():
    policy = Policy.load()
    policy.moderate = "always"
    policy.save()


def earn_by_approval(client, post):
    """A held comment from ``client``, approved by a moderator."""
    moderate_always()
    assert send(client, post, body="My first comment here.").status_code == 302
    comment = Comment.objects.latest("pk")
    assert comment.status == "pending"
    operations.set_status(comment, Comment.Status.APPROVED, actor=make_moderator())
    return comment


def test_one_auto_approved_comment_earns_no_pass(client, post):
    assert send(client, post).status_code == 302
    assert Comment.objects.get().status == "approved"
    assert trust.COOKIE in client.cookies
    assert asks_for_captcha(client, post)


def test_three_approved_comments_earn_trust(client, post):
    bodies = [ORDINARY, "A clear explanation of recursion, thank you.", "I would add tests too."]
    for n, body in enumerate(bodies):
        assert asks_for_captcha(client, post), n
        assert send(client, post, body=body).status_code == 302
    assert Comment.objects.approved().count() == 3
    assert not asks_for_captcha(client, post)


def test_a_moderators_approval_earns_trust_for_that_name_and_email(client, post):
    earn_by_approval(client, post)
    assert not asks_for_captcha(client, post)
    data = form_fields(client, post, name=" grace   HOPPER", email="Grace@Example.com ")
    assert data["captcha_0"] == ""  # no challenge on the form
    assert client.post(URL, {**data, "body": "Back again."}).status_code == 302
    back = Comment.objects.latest("pk")
    assert back.status == "approved"  # moderation is "always": the returning commenter's pass
    assert "returning commenter" in back.reasons


@pytest.mark.parametrize(
    "fields", [{"name": "Eve"}, {"email": "eve@example.com"}], ids=["other name", "other email"]
)
def test_the_cookie_does_not_pass_another_name_or_email(client, post, fields):
    earn_by_approval(client, post)
    data = {**form_fields(client, post), "captcha_0": "", "captcha_1": "", **fields}
    response = client.post(URL, {**data, "body": "Pretending."})
    assert response.status_code == 400
    assert "answer to the picture was wrong" in response.content.decode()
    assert 'name="captcha_0" value="' in response.content.decode()  # the form asks for one now
    assert Comment.objects.count() == 1


def test_another_browser_typing_the_same_name_and_email_is_a_stranger(client, post):
    earn_by_approval(client, post)
    other = Client()
    assert asks_for_captcha(other, post)
    assert send(other, post, body="Someone else, typing Grace's details.").status_code == 302
    impostor = Comment.objects.latest("pk")
    assert impostor.status == "pending"
    assert "returning commenter" not in impostor.reasons


def test_an_auto_approval_is_not_a_moderators_approval(client, post):
    """Only a person's decision counts: the record of a new comment or a re-judged edit,
    made by nobody, does not."""
    assert send(client, post).status_code == 302
    comment = Comment.objects.get()
    operations.set_status(comment, Comment.Status.PENDING)
    operations.set_status(comment, Comment.Status.APPROVED)  # by the system
    assert asks_for_captcha(client, post)
    operations.set_status(comment, Comment.Status.PENDING)
    operations.set_status(comment, Comment.Status.APPROVED, actor=make_moderator())
    assert not asks_for_captcha(client, post)


def _later(monkeypatch, days):
    real_now, real_time = timezone.now, time.time
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=days))
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() + days * 86400)


def test_trust_expires_after_90_days(client, post, monkeypatch):
    earn_by_approval(client, post)
    _later(monkeypatch, 89)
    assert not asks_for_captcha(client, post)
    _later(monkeypatch, 91 - 89)  # on top of the 89
    assert asks_for_captcha(client, post)


def test_the_comments_age_counts_even_with_a_fresh_cookie(client, post):
    earn_by_approval(client, post)
    Comment.objects.update(created_at=timezone.now() - timedelta(days=91))
    assert asks_for_captcha(client, post)


def test_a_returning_commenter_still_meets_the_block_rules(client, post):
    earn_by_approval(client, post)
    BlockRule.objects.create(kind="word", value="viagra")
    assert send(client, post, body="cheap viagra").status_code == 302
    assert Comment.objects.latest("pk").status == "spam"


def test_policy_switches(client, post):
    earn_by_approval(client, post)
    policy = Policy.load()
    policy.captcha_skip_returning = policy.auto_approve_returning = False
    policy.save()
    assert asks_for_captcha(client, post)
    assert send(client, post, body="Again, with a captcha.").status_code == 302
    assert Comment.objects.latest("pk").status == "pending"
