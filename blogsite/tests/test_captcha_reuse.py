"""The captcha cannot be replayed, outlived or walked around (issue 6, "Security settings").

A challenge is one ``CaptchaStore`` row: an attempt, right or wrong, uses it up, and an expired
one is refused. The middleware checks POSTs to ``/comments/post/``; the view fails closed when
the middleware did not run, and no other URL creates a comment.
"""

import re
from collections import defaultdict
from datetime import timedelta

import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from comments import challenge, tokens, views
from comments.middleware import NOT_CHECKED
from comments.models import Comment
from comments.tests.factories import form_fields, make_comment, make_post
from moderation.models import Policy

pytestmark = pytest.mark.usefixtures("blog", "open_comments")
URL = "/comments/post/"


@pytest.fixture
def post():
    return make_post()


@pytest.fixture
def web():
    return Client(raise_request_exception=False)


def refused_for_the_captcha(response):
    return response.status_code == 400 and challenge.WRONG in response.content.decode()


def test_a_solved_captcha_cannot_be_used_twice(web, post):
    # The policy may let a returning approved commenter skip the captcha: not this time.
    policy = Policy.load()
    policy.captcha_skip_returning = False
    policy.save()
    data = form_fields(web, post)
    assert web.post(URL, data).status_code == 302
    again = {**data, "body": "Another thought.", "submission": tokens.submission_token(post.pk)}
    response = web.post(URL, again)
    assert refused_for_the_captcha(response)
    assert Comment.objects.count() == 1
    assert "Another thought." in response.content.decode()  # the visitor's text is kept


def test_a_second_browser_cannot_replay_the_answer(web, post):
    data = form_fields(web, post)
    assert web.post(URL, data).status_code == 302
    other = Client(raise_request_exception=False)
    fresh = tokens.submission_token(post.pk)  # (the same token would find the first comment)
    assert refused_for_the_captcha(
        other.post(URL, {**data, "body": "Replayed.", "submission": fresh})
    )
    assert Comment.objects.count() == 1


def test_a_wrong_answer_uses_the_challenge_up(web, post):
    data = form_fields(web, post)
    assert refused_for_the_captcha(web.post(URL, {**data, "captcha_1": "wrong"}))
    assert not CaptchaStore.objects.filter(hashkey=data["captcha_0"]).exists()
    assert refused_for_the_captcha(web.post(URL, data))  # the right answer, too late
    assert Comment.objects.count() == 0


def test_an_expired_challenge_is_refused(web, post):
    data = form_fields(web, post)
    CaptchaStore.objects.filter(hashkey=data["captcha_0"]).update(
        expiration=timezone.now() - timedelta(seconds=1)
    )
    assert refused_for_the_captcha(web.post(URL, data))
    assert Comment.objects.count() == 0


def test_one_challenges_answer_does_not_open_another(web, post):
    first, second = form_fields(web, post), form_fields(web, post)
    mixed = {**first, "captcha_1": second["captcha_1"]}
    if second["captcha_1"] == first["captcha_1"]:  # two random answers may coincide
        pytest.skip("the two challenges have the same answer")
    assert refused_for_the_captcha(web.post(URL, mixed))
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"captcha_0": "", "captcha_1": ""},
        {"captcha_0": "0" * 40},
        {"captcha_1": "PASSED"},
        {"captcha_1": ["right", "wrong"]},
    ],
    ids=["empty", "unknown key", "test-mode answer", "two answers"],
)
def test_a_missing_or_made_up_challenge_is_refused(web, post, fields):
    if captcha_settings.CAPTCHA_TEST_MODE and fields.get("captcha_1") == "PASSED":
        pytest.skip("CAPTCHA_TEST_MODE=1 accepts PASSED (browser tests only)")
    data = {**form_fields(web, post), **fields}
    assert refused_for_the_captcha(web.post(URL, data))
    assert Comment.objects.count() == 0


def test_a_post_without_the_captcha_fields_at_all_is_refused(web, post):
    data = form_fields(web, post)
    del data["captcha_0"], data["captcha_1"]
    assert refused_for_the_captcha(web.post(URL, data))
    assert Comment.objects.count() == 0


# --- the middleware cannot be walked around --------------------------------------------------

# Each spelling, and how it is answered: never by a comment.
VARIANTS = {
    "/comments/post": 301,  # APPEND_SLASH answers a POST with a redirect, never the view
    "/Comments/Post/": 404,
    "/COMMENTS/POST/": 404,
    "/comments/post//": 404,
    "/comments//post/": 404,
    "/comments/./post/": 404,
    "/comments/post/.": 404,
    "/comments/post/%20": 404,
    "/comments/post;/": 404,
    "/comments/%70ost/": 400,  # the same path once decoded: the middleware checks it
    "/comments/post%2F": 400,  # idem
    "/comments/post/?captcha_1=x": 400,  # the query string is not the form
}


@pytest.mark.parametrize(("url", "status"), VARIANTS.items())
def test_no_spelling_of_the_url_skips_the_captcha(web, post, url, status):
    data = form_fields(web, post, captcha_1="wrong")
    response = web.post(url, data)
    assert response.status_code == status
    if status == 400:
        assert refused_for_the_captcha(response)
    assert Comment.objects.count() == 0


def test_without_the_middleware_the_view_fails_closed(post):
    """Defence in depth: called on a route the middleware does not watch, the view refuses
    even the right answer."""
    data = form_fields(Client(), post)
    request = RequestFactory().post(URL, data)
    request.user = AnonymousUser()
    request.session = {}
    response = views.post_comment(request)
    assert response.status_code == 400
    assert NOT_CHECKED in response.content.decode()
    assert Comment.objects.count() == 0


def _routes(patterns=None, prefix=""):
    """Every URL pattern of the site as a format string (``/comments/{pk}/edit/``)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        text = str(entry.pattern)
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)  # re_path("(?P<year>...)")
        text = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)  # path("<int:pk>/")
        text = text.lstrip("^").rstrip("$").replace("\\.", ".")
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + text)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + text


def test_no_other_url_creates_a_comment(web, post):
    """An anonymous POST of a complete comment with a wrong answer, to every URL of the site
    (the admin aside: staff only), creates nothing and breaks nothing."""
    comment = make_comment(post)
    date = post.url_date
    values = {
        "year": f"{date.year}", "month": f"{date.month:02d}", "slug": post.slug,
        "post_id": post.pk, "pk": comment.pk, "token": "x", "label": "python",
    }  # fmt: skip
    routes = sorted(set(_routes()))
    assert "/comments/post/" in routes
    tried = []
    for route in routes:
        if route.startswith(("/admin/", "/media/")):
            continue
        url = route.format_map(defaultdict(lambda: "x", values))
        data = form_fields(web, post, captcha_1="wrong")
        response = web.post(url, data)
        tried.append(url)
        assert response.status_code != 500, url
        assert Comment.objects.count() == 1, url
    assert len(tried) > 20


def test_a_solved_challenge_is_claimed_once_even_by_racing_requests(db, monkeypatch):
    """Two requests read the challenge before either used it: only one passes."""
    from captcha.models import CaptchaStore
    from django.db.models import QuerySet

    from comments import challenge

    key = CaptchaStore.pick()
    stale = CaptchaStore.objects.get(hashkey=key)
    fields = {"captcha_0": key, "captcha_1": stale.response}
    assert challenge.check(fields) is None
    monkeypatch.setattr(QuerySet, "first", lambda self: stale)  # the racer's earlier read
    assert challenge.check(fields) == challenge.WRONG
