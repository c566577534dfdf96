"""A comment whose response was lost (issue 13, "exactly-once comments"): the browser sent the
form, the server stored the comment, the connection broke before the answer arrived, and the
visitor sends the same form again. The resend lands on the first comment; nothing is created.

Against a real server over a socket closed before reading anything, so the first request
runs to its commit with nobody listening; on SQLite and on PostgreSQL (``DATABASE_URL``).
"""

import re
import socket
import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from captcha.models import CaptchaStore
from django.db import transaction
from django.db.models.signals import post_save
from django.test.utils import override_settings

from comments.middleware import ALREADY_RECEIVED
from comments.models import Comment
from comments.tests.factories import make_post
from comments.threads import comment_url
from posts.models import BlogSettings


@pytest.fixture(scope="session")
def _plain_http():
    """Before the (session-wide) live server starts: SecurityMiddleware reads this once, when
    the server loads it, and would send every request to https:// (as tests/e2e does)."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture
def server(_plain_http, live_server):
    return live_server


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _form(opener, base, post):
    """The fields a browser would send from the reply page, its captcha answered."""
    html = opener.open(f"{base}/comments/reply/{post.pk}/", timeout=60).read().decode()

    def field(name):
        return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)

    key = field("captcha_0")
    return {
        "csrfmiddlewaretoken": field("csrfmiddlewaretoken"), "post": post.pk, "parent": "",
        "name": "Grace", "email": "grace@example.com", "url": "",
        "body": "Sent once, answered never.", "homepage": "", "timestamp": field("timestamp"),
        "submission": field("submission"), "captcha_0": key,
        "captcha_1": CaptchaStore.objects.get(hashkey=key).response,
    }  # fmt: skip


def _send_and_hang_up(host, port, body, cookies):
    """POST the form and close the connection without reading a byte of the answer."""
    request = (
        f"POST /comments/post/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nCookie: {cookies}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, port), timeout=60) as connection:
        connection.sendall(request)


def test_a_form_resent_after_its_answer_was_lost_lands_on_the_first_comment(server, settings):
    settings.COMMENT_RATE_LIMIT = (0, 60)
    settings.COMMENT_MIN_SECONDS = 0
    BlogSettings.load()
    post = make_post()
    base = server.url
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    body = urllib.parse.urlencode(_form(opener, base, post)).encode()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)

    committed = threading.Event()  # the server's own thread stored the comment and committed

    def on_save(instance, created, **kwargs):
        if created:
            transaction.on_commit(committed.set)

    post_save.connect(on_save, sender=Comment, dispatch_uid="test-cut-response")
    try:
        _send_and_hang_up(host, port, body, cookies)
        assert committed.wait(timeout=120), "the first request never stored its comment"
    finally:
        post_save.disconnect(dispatch_uid="test-cut-response", sender=Comment)
    first = Comment.objects.get()

    # the visitor saw an error, or nothing, and sends the very same form again
    try:
        opener.open(f"{base}/comments/post/", body, timeout=60)
        raise AssertionError("the resend was not redirected")
    except urllib.error.HTTPError as answer:
        assert answer.code == 302
        location = answer.headers["Location"]
    assert location == comment_url(first)
    assert Comment.objects.count() == 1

    landed = opener.open(urllib.parse.urljoin(base, location), timeout=60).read().decode()
    assert ALREADY_RECEIVED in landed and "Sent once, answered never." in landed
