import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from comments import operations, tokens
from comments.models import Comment, NotificationAddress
from comments.tests.factories import form_fields, make_comment, make_post, make_user

pytestmark = pytest.mark.usefixtures("blog")
URL = "/comments/post/"


@pytest.fixture
def post_comment(client, django_capture_on_commit_callbacks):
    def post_it(post, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, form_fields(client, post, **fields))

    return post_it


def test_the_post_author_hears_of_each_new_comment(post_comment, mailoutbox):
    post = make_post()
    post_comment(post, body="Nice one")
    (message,) = mailoutbox
    assert message.to == [post.author.email]
    assert post.title in message.subject and "Nice one" in message.body


def test_the_post_author_hears_of_held_comments_but_not_spam(post_comment, mailoutbox, monkeypatch):
    from comments.moderator import Moderator, Verdict

    post = make_post()
    monkeypatch.setattr(Moderator, "evaluate", lambda self, c: Verdict("hold"))
    post_comment(post)
    assert "awaiting moderation" in mailoutbox[0].subject
    monkeypatch.setattr(Moderator, "evaluate", lambda self, c: Verdict("spam"))
    post_comment(post)
    assert len(mailoutbox) == 1


def test_a_mail_server_that_is_down_loses_no_comment(post_comment, use_mailer, caplog):
    use_mailer("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=1, timeout=1)
    response = post_comment(make_post())
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert "could not be sent" in caplog.text


def test_ticking_notify_asks_once_for_confirmation_without_echoing_the_text(
    post_comment, mailoutbox
):
    post = make_post(author=make_user(email=""))
    post_comment(post, notify="on", email="Stranger@Example.com", body="secret words")
    (message,) = mailoutbox
    assert message.to == ["stranger@example.com"]
    assert "secret words" not in message.body and "secret words" not in message.subject
    post_comment(post, notify="on", email="stranger@example.com", body="again")
    assert len(mailoutbox) == 1  # rate limited: one confirmation a week per address


def _reply_setup(client, post_comment, mailoutbox, confirm=True):
    post = make_post(author=make_user(email=""))
    post_comment(post, notify="on", email="ada@example.com", name="Ada")
    parent = Comment.objects.get()
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    if confirm:
        assert "Yes, confirm" in client.get(link).content.decode()
        assert not NotificationAddress.objects.get().is_active  # GET alone confirms nothing
        client.post(link)
        assert NotificationAddress.objects.get().is_active
    mailoutbox.clear()
    return post, parent


def test_a_confirmed_subscriber_hears_of_replies(client, post_comment, mailoutbox, site_url):
    post, parent = _reply_setup(client, post_comment, mailoutbox)
    post_comment(post, parent=parent, email="bob@example.com", body="I agree")
    (message,) = mailoutbox
    assert message.to == ["ada@example.com"] and "I agree" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.startswith(f"{site_url}/comments/unsubscribe/")  # https, as RFC 8058 asks
    assert unsubscribe in message.body

    # RFC 8058: the mail client POSTs without a CSRF token, without a session
    client.logout()
    client.handler.enforce_csrf_checks = True
    path = unsubscribe.removeprefix(site_url)
    response = client.post(path, "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 200
    assert NotificationAddress.objects.get().unsubscribed_at is not None
    client.handler.enforce_csrf_checks = False
    mailoutbox.clear()
    post_comment(post, parent=parent, email="bob@example.com", body="Still agree")
    assert mailoutbox == []


def test_an_unconfirmed_address_hears_nothing(client, post_comment, mailoutbox):
    post, parent = _reply_setup(client, post_comment, mailoutbox, confirm=False)
    post_comment(post, parent=parent, email="bob@example.com")
    assert mailoutbox == []


@pytest.mark.parametrize("verdict", ["hold", "spam"])  # spam: a false positive rescued
def test_a_held_reply_is_sent_when_approved(client, post_comment, mailoutbox, monkeypatch,
                                            django_capture_on_commit_callbacks, verdict):  # fmt: skip
    from comments.moderator import Moderator, Verdict

    post, parent = _reply_setup(client, post_comment, mailoutbox)
    monkeypatch.setattr(Moderator, "evaluate", lambda self, c: Verdict(verdict))
    post_comment(post, parent=parent, email="bob@example.com")
    assert mailoutbox == []
    reply = Comment.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        operations.set_status(reply, Comment.Status.APPROVED)
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]


def test_bad_and_expired_links(client, monkeypatch):
    assert client.get("/comments/unsubscribe/forged/").status_code == 400
    assert client.get("/comments/confirm/forged/").status_code == 400
    token = tokens.confirm_token("a@example.com")
    monkeypatch.setattr(tokens, "CONFIRM_MAX_AGE", -1)
    assert client.get(f"/comments/confirm/{token}/").status_code == 400


def test_no_mail_to_oneself(post_comment, mailoutbox, client):
    post = make_post()
    client.force_login(post.author)
    post_comment(post)
    assert mailoutbox == []


def test_reconfirmation_after_a_week(post_comment, mailoutbox):
    post = make_post(author=make_user(email=""))
    post_comment(post, notify="on")
    NotificationAddress.objects.update(confirmation_sent_at=timezone.now() - timedelta(days=8))
    post_comment(post, notify="on")
    assert len(mailoutbox) == 2


def test_reply_mail_not_sent_for_own_reply(client, post_comment, mailoutbox):
    post, parent = _reply_setup(client, post_comment, mailoutbox)
    post_comment(post, parent=parent, email="ADA@example.com")
    assert mailoutbox == []


def _link(message):
    """The path of the first link in ``message`` (on SITE_URL)."""
    return re.search(rf"{re.escape(settings.SITE_URL)}(/\S+)", message.body).group(1)


def test_mail_links_are_on_site_url_not_the_requests_host(client, mailoutbox, site_url,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_fields(client, post, notify="on"), HTTP_HOST="localhost")
    assert len(mailoutbox) == 2  # the post's author, the confirmation
    for message in mailoutbox:
        links = re.findall(r"https?://\S+", message.body)
        assert links and all(link.startswith(site_url + "/") for link in links), links


def test_mail_sent_by_the_worker_outside_any_request_links_to_site_url(
    queue, mailoutbox, site_url, django_capture_on_commit_callbacks
):
    post = make_post(author=make_user(email=""))
    parent = make_comment(post, email="ada@example.com", notify=True)
    NotificationAddress.objects.create(email="ada@example.com", confirmed_at=timezone.now())
    reply = make_comment(post, parent, status=Comment.Status.PENDING, body="Late but agreed")
    with django_capture_on_commit_callbacks(execute=True):
        operations.set_status(reply, Comment.Status.APPROVED)  # e.g. from the admin or a command
    assert mailoutbox == []
    queue()  # the worker: no request anywhere
    (message,) = mailoutbox
    assert f"{site_url}{reply.get_absolute_url()}" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{site_url}/comments/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_confirm_link_from_before_an_unsubscribe_does_not_resubscribe(
    client, post_comment, mailoutbox
):
    post = make_post(author=make_user(email=""))
    post_comment(post, notify="on", email="ada@example.com")
    old_link = _link(mailoutbox[0])
    client.post(old_link)
    operations.unsubscribe("ada@example.com")

    assert "no longer turns reply emails on" in client.get(old_link).content.decode()
    response = client.post(old_link)
    assert response.status_code == 400
    assert "no longer turns reply emails on" in response.content.decode()
    assert not NotificationAddress.objects.get().is_active

    # asking again, within the week, mails a fresh link, and that one works
    post_comment(post, notify="on", email="ada@example.com")
    assert len(mailoutbox) == 2
    assert "Thank you" in client.post(_link(mailoutbox[1])).content.decode()
    assert NotificationAddress.objects.get().is_active


def test_a_link_of_the_old_kind_still_confirms_but_never_after_an_unsubscribe(client):
    from django.core import signing

    old_kind = signing.dumps("bea@example.com", salt="comments.confirm")  # no issue time
    client.post(f"/comments/confirm/{old_kind}/")
    assert NotificationAddress.objects.get(email="bea@example.com").is_active
    operations.unsubscribe("bea@example.com")
    assert client.post(f"/comments/confirm/{old_kind}/").status_code == 400
    assert not NotificationAddress.objects.get(email="bea@example.com").is_active
