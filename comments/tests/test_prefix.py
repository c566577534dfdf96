"""The site served under a path prefix (``SCRIPT_NAME=/blog``, issue 9 item 6): the captcha
and token checks still run, and every URL the pages and comments.js use carries the prefix."""

import re

import pytest
from captcha.models import CaptchaStore
from django.urls import set_script_prefix

from comments.models import Comment
from comments.tests.factories import make_comment, make_post

pytestmark = pytest.mark.usefixtures("blog")
PREFIX = "/blog"


@pytest.fixture
def prefixed(settings):
    """What the WSGI handler does for each request under ``SCRIPT_NAME=/blog`` (the test
    client passes ``SCRIPT_NAME`` through to the request but does not set the prefix)."""
    settings.FORCE_SCRIPT_NAME = PREFIX
    set_script_prefix(PREFIX + "/")
    yield
    set_script_prefix("/")


def _path(url):
    """The path inside the site (what the server sees in PATH_INFO)."""
    assert url.startswith(PREFIX + "/"), url
    return url.removeprefix(PREFIX)


def test_an_anonymous_comment_is_taken_under_a_prefix(client, prefixed):
    post = make_post()
    page = client.get(f"/comments/reply/{post.pk}/", SCRIPT_NAME=PREFIX).content.decode()
    assert f'action="{PREFIX}/comments/post/#respond"' in page
    assert f'data-start-url="{PREFIX}/comments/start/{post.pk}/"' in page
    assert f'data-refresh-url="{PREFIX}/captcha/refresh/"' in page
    assert f'src="{PREFIX}/captcha/image/' in page

    def field(name):
        return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)

    data = {
        "post": post.pk, "parent": "", "name": "Grace", "email": "grace@example.com",
        "body": "Under a prefix.", "homepage": "", "timestamp": field("timestamp"),
        "submission": field("submission"), "captcha_0": field("captcha_0"),
        "captcha_1": CaptchaStore.objects.get(hashkey=field("captcha_0")).response,
    }  # fmt: skip
    response = client.post("/comments/post/", data, SCRIPT_NAME=PREFIX)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert response["Location"] == f"{PREFIX}{_path(post.get_absolute_url())}#c{comment.pk}"
    again = client.post("/comments/post/", data, SCRIPT_NAME=PREFIX)  # a resend
    assert again["Location"] == response["Location"]
    wrong = client.post("/comments/post/", {**data, "submission": ""}, SCRIPT_NAME=PREFIX)
    assert wrong.status_code == 400 and Comment.objects.count() == 1


def test_the_post_page_under_a_prefix_gives_comments_js_prefixed_urls(client, prefixed):
    post = make_post()
    make_comment(post)
    response = client.get(_path(post.get_absolute_url()), SCRIPT_NAME=PREFIX)
    page = response.content.decode()
    assert f'data-edit-url="{PREFIX}/comments/0/edit/"' in page
    assert f'data-start-url="{PREFIX}/comments/start/{post.pk}/"' in page
    assert f'href="{PREFIX}/comments/reply/{post.pk}/?replyto=' in page


def test_a_blogger_comment_link_lands_under_a_prefix(client, prefixed):
    post = make_post()
    comment = make_comment(post)
    millis = int(comment.created_at.timestamp() * 1000)
    date = post.url_date
    old = f"/{date.year}/{date.month:02d}/{post.slug}.html"
    response = client.get(old, {"showComment": millis}, SCRIPT_NAME=PREFIX)
    assert response.status_code == 301
    assert response["Location"].startswith(PREFIX + "/") and response["Location"].endswith(
        f"#c{comment.pk}"
    )


def test_comments_js_builds_no_url_of_its_own():
    with open("static/js/comments.js", encoding="utf-8") as js:
        source = js.read()
    assert not re.search(r"""["']/(comments|captcha)/""", source)
