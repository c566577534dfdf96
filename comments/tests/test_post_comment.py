from urllib.parse import urlencode

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from comments import tokens
from comments.models import Comment
from comments.tests.factories import form_fields, make_comment, make_post
from posts.models import Post

pytestmark = pytest.mark.usefixtures("blog")
URL = "/comments/post/"


def test_url_names():
    assert reverse("comments:post") == URL
    assert reverse("comments:permalink", args=[7]) == "/comments/7/"


def test_a_visitor_posts_a_comment_and_lands_on_it(client):
    post = make_post()
    response = client.post(URL, form_fields(client, post), follow=True)
    comment = Comment.objects.get()
    assert response.redirect_chain == [(f"{post.get_absolute_url()}#c{comment.pk}", 302)]
    assert comment.status == Comment.Status.APPROVED
    assert comment.ip_address == "127.0.0.1"
    assert "<em>fine</em>" in comment.body_html
    content = response.content.decode()
    assert "visible now" in content
    assert f'id="c{comment.pk}"' in content
    post.refresh_from_db()
    assert post.comment_count == 1


def test_a_reply_to_a_reply_nests(client):
    post = make_post()
    top = make_comment(post)
    reply = make_comment(post, top)
    client.post(URL, form_fields(client, post, parent=reply))
    new = Comment.objects.latest("pk")
    assert (new.parent, new.depth) == (reply, 3)


def test_a_held_comment_says_it_awaits_moderation(client, monkeypatch):
    from comments.moderator import Moderator, Verdict

    monkeypatch.setattr(Moderator, "evaluate", lambda self, c: Verdict("hold", 0.5, ["links"]))
    post = make_post()
    response = client.post(URL, form_fields(client, post), follow=True)
    comment = Comment.objects.get()
    assert (comment.status, comment.score, comment.reasons) == ("pending", 0.5, ["links"])
    assert "awaiting moderation" in response.content.decode()


def test_a_held_comment_lands_on_itself_even_at_a_page_boundary(client, monkeypatch, settings):
    """A held new thread is on no page yet: its author sees it after the last page's threads,
    not on a page that does not exist."""
    from comments.moderator import Moderator, Verdict

    settings.COMMENT_THREADS_PER_PAGE = 1
    post = make_post()
    make_comment(post)  # one visible thread fills page 1
    monkeypatch.setattr(Moderator, "evaluate", lambda self, c: Verdict("hold"))
    response = client.post(URL, form_fields(client, post, body="Held at the boundary."))
    held = Comment.objects.latest("pk")
    assert response["Location"] == post.get_absolute_url() + f"#c{held.pk}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'id="c{held.pk}"' in page.content.decode()


def test_every_new_comment_is_recorded(client, monkeypatch):
    from comments.moderator import Moderator

    calls = []
    monkeypatch.setattr(Moderator, "record", lambda self, *a, **kw: calls.append((a, kw)))
    post = make_post()
    client.post(URL, form_fields(client, post))
    ((args, kwargs),) = calls
    assert args[1:] == ("", "approved")


def _assert_form_error(response, text, kept="A *fine* post."):
    assert response.status_code == 400
    content = response.content.decode()
    assert text in content
    assert kept in content or kept.replace("*", "&#x2A;") in content
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"body": ""}, "Please write a comment."),
        ({"body": "   \n  "}, "Please write a comment."),
        ({"body": "x" * 100_000}, "at most 10000 characters"),
        ({"name": ""}, "Please give your name."),
        ({"email": "not-an-address"}, "Enter a valid email address"),
        ({"url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"url": "ftp://example.com/"}, "Enter a valid URL"),
        ({"homepage": "http://bot.example/"}, "must be left empty"),
        ({"timestamp": "forged"}, "This form has expired"),
        ({"captcha_1": "wrong"}, "answer to the picture was wrong"),
        ({"captcha_1": ""}, "answer to the picture was wrong"),
        ({"captcha_0": "", "captcha_1": ""}, "answer to the picture was wrong"),
    ],
)
def test_bad_input_gets_400_with_the_text_kept(client, overrides, message):
    post = make_post()
    data = form_fields(client, post)
    kept = data["body"] if "body" not in overrides else None
    data.update(overrides)
    response = client.post(URL, data)
    if kept:
        _assert_form_error(response, message, kept)
    else:
        assert response.status_code == 400 and message in response.content.decode()
        assert Comment.objects.count() == 0


def test_invalid_utf8_is_refused(client):
    post = make_post()
    body = urlencode({**form_fields(client, post), "body": "café"}, encoding="latin-1")
    response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_captcha_cannot_be_used_twice(client):
    post = make_post()
    data = form_fields(client, post)
    assert client.post(URL, data).status_code == 302
    data["submission"] = tokens.submission_token(post.pk)  # a new form, the old answer
    response = client.post(URL, data)
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_the_form_sent_back_has_a_fresh_challenge(client):
    post = make_post()
    data = form_fields(client, post, captcha_1="wrong")
    response = client.post(URL, data)
    assert response.status_code == 400
    new_key = response.content.decode().split('name="captcha_0" value="')[1].split('"')[0]
    assert new_key != data["captcha_0"]
    assert CaptchaStore.objects.filter(hashkey=new_key).exists()


def test_logged_in_users_need_no_captcha_and_are_marked_as_author(client):
    post = make_post()
    client.force_login(post.author)
    data = form_fields(client, post, name="", email="")
    assert data["captcha_0"] == ""
    assert client.post(URL, data).status_code == 302
    comment = Comment.objects.get()
    assert comment.user == post.author and comment.email == post.author.email
    content = client.get(post.get_absolute_url()).content.decode()
    assert '<span class="comment-badge">Author</span>' in content


def test_a_comment_sent_too_fast_is_refused(client, settings):
    settings.COMMENT_MIN_SECONDS = 30
    post = make_post()
    response = client.post(URL, form_fields(client, post))
    _assert_form_error(response, "That was very quick")


def test_a_form_older_than_two_days_is_refused(client, monkeypatch):
    post = make_post()
    data = form_fields(client, post)
    real_time = tokens.time.time
    monkeypatch.setattr(tokens.time, "time", lambda: real_time() + 3 * 24 * 3600)
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() + 3 * 24 * 3600)
    _assert_form_error(client.post(URL, data), "This form has expired")


def test_a_stamp_from_another_post_is_refused(client):
    post, other = make_post(), make_post()
    data = form_fields(client, post)
    data["timestamp"] = form_fields(client, other)["timestamp"]
    _assert_form_error(client.post(URL, data), "This form has expired")


def test_too_many_comments_from_one_address_get_429(client, settings, limiter_clock):
    settings.COMMENT_RATE_LIMIT = (2, 60)
    post = make_post()
    assert client.post(URL, form_fields(client, post)).status_code == 302
    assert client.post(URL, form_fields(client, post)).status_code == 302
    response = client.post(URL, form_fields(client, post, body="third try"))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "third try" in response.content.decode()
    assert Comment.objects.count() == 2


def test_rate_limit_is_skipped_with_a_log_line_when_the_cache_is_down(client, settings, caplog):
    settings.COMMENT_RATE_LIMIT = (1, 60)
    post = make_post()
    data = [form_fields(client, post), form_fields(client, post)]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.1},
        }
    }
    assert [client.post(URL, d).status_code for d in data] == [302, 302]
    assert "rate limit skipped" in caplog.text


def test_closed_post_refuses_comments_with_403(client):
    post = make_post()
    data = form_fields(client, post)
    Post.objects.filter(pk=post.pk).update(allow_comments=False)
    response = client.post(URL, data)
    assert response.status_code == 403
    assert "A *fine* post." in response.content.decode()
    assert Comment.objects.count() == 0


def test_closed_post_shows_a_notice_and_no_form(client):
    post = make_post(allow_comments=False)
    make_comment(post, body="An old comment")
    content = client.get(post.get_absolute_url()).content.decode()
    assert "Comments are closed" in content
    assert 'id="comment-form"' not in content
    assert "An old comment" in content
    assert client.get(reverse("comments:reply", args=[post.pk])).status_code == 403


def test_unpublished_or_missing_post_is_404(client):
    post = make_post()
    data = form_fields(client, post)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)
    assert client.post(URL, data).status_code == 404
    assert client.post(URL, {**data, "post": 999999}).status_code == 404
    assert client.post(URL, {**data, "post": "x"}).status_code == 400


@pytest.mark.parametrize("case", ["other_post", "missing", "pending", "removed"])
def test_bad_parent_is_400(client, case):
    post = make_post()
    parent = {
        "other_post": lambda: make_comment(make_post()).pk,
        "missing": lambda: 999999,
        "pending": lambda: make_comment(post, status="pending").pk,
        "removed": lambda: make_comment(post, status="removed").pk,
    }[case]()
    before = Comment.objects.count()
    response = client.post(URL, form_fields(client, post, parent=parent))
    assert response.status_code == 400
    assert "not available" in response.content.decode()
    assert Comment.objects.count() == before


def test_html_in_the_name_is_shown_as_text(client):
    post = make_post()
    client.post(URL, form_fields(client, post, name="<b onmouseover=alert(1)>Eve</b>"))
    content = client.get(post.get_absolute_url()).content.decode()
    assert "<b onmouseover" not in content
    assert "&lt;b onmouseover=alert(1)&gt;Eve&lt;/b&gt;" in content


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_remember_me_fills_the_form_next_time(client):
    post = make_post()
    client.post(URL, form_fields(client, post, remember="on", url="https://grace.example/"))
    content = client.get(post.get_absolute_url()).content.decode()
    assert 'value="Grace"' in content and 'value="https://grace.example/"' in content
    client.post(URL, form_fields(client, post, name="Grace H"))  # not ticked: forgotten
    assert 'value="Grace' not in client.get(post.get_absolute_url()).content.decode()
