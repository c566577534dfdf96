"""The form's one-time submission token (issue 9, item 5; issue 13 builds exactly-once on it).

A token is issued when a visitor starts writing (``comments:start``, fetched by comments.js) or
with the form on its own page; it is checked before the captcha; the comment made with it
stores its key, so the same form sent again lands on that comment and creates nothing.
"""

import re

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from comments import operations, tokens
from comments.middleware import ALREADY_RECEIVED, FORM_NOT_SENDABLE
from comments.models import Comment
from comments.tests.factories import form_fields, make_post
from comments.threads import comment_url
from posts.models import Post

pytestmark = pytest.mark.usefixtures("blog")
URL = "/comments/post/"


def _token_in(html):
    return re.search(r'name="submission" value="([^"]*)"', html).group(1)


def test_the_same_form_sent_twice_makes_one_comment_and_lands_on_it(client):
    post = make_post()
    data = form_fields(client, post)
    first = client.post(URL, data)
    assert first.status_code == 302
    comment = Comment.objects.get()
    again = client.post(URL, data, follow=True)
    assert again.redirect_chain == [(comment_url(comment), 302)]
    assert ALREADY_RECEIVED in again.content.decode()
    assert Comment.objects.count() == 1
    assert comment.submission_key == tokens.submission_key(data["submission"], post.pk)


def test_a_resend_by_a_user_who_needs_no_captcha_creates_nothing(client):
    post = make_post()
    client.force_login(post.author)
    data = form_fields(client, post, name="", email="")
    assert data["captcha_0"] == ""
    assert client.post(URL, data).status_code == 302
    response = client.post(URL, {**data, "body": "Changed my mind."})
    assert response.status_code == 302
    assert response["Location"] == comment_url(Comment.objects.get())
    assert Comment.objects.count() == 1


def test_a_resend_of_a_held_comment_lands_where_the_first_did(client, monkeypatch):
    from comments.moderator import Moderator, Verdict

    monkeypatch.setattr(Moderator, "evaluate", lambda self, c: Verdict("hold"))
    post = make_post()
    data = form_fields(client, post)
    first = client.post(URL, data)["Location"]
    assert first == post.get_absolute_url() + f"#c{Comment.objects.get().pk}"
    client.cookies.clear()  # the first answer was lost, cookies and all
    response = client.post(URL, data)
    assert response["Location"] == first
    assert Comment.objects.count() == 1
    assert tokens.EDIT_COOKIE in response.cookies  # it may still see and edit it
    assert tokens.MINE_COOKIE in response.cookies


@pytest.mark.parametrize("case", ["other post", "missing", "forged", "expired"])
def test_a_bad_token_is_refused_before_the_captcha(client, monkeypatch, case):
    post, other = make_post(), make_post()
    data = form_fields(client, post)
    if case == "other post":
        data["submission"] = tokens.submission_token(other.pk)
    elif case == "missing":
        del data["submission"]
    elif case == "forged":
        data["submission"] = data["submission"][:-3] + "abc"
    else:
        real_time = tokens.time.time
        monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() + 3 * 86400)
        monkeypatch.setattr(tokens.time, "time", lambda: real_time() + 3 * 86400)
    response = client.post(URL, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert FORM_NOT_SENDABLE in content
    assert "A *fine* post." in content or "A &#x2A;fine&#x2A; post." in content
    assert Comment.objects.count() == 0
    assert CaptchaStore.objects.filter(hashkey=data["captcha_0"]).exists()  # not burnt
    fresh = _token_in(content)  # the form sent back carries a new token for this post
    assert tokens.submission_key(fresh, post.pk)


def test_the_form_sent_back_can_be_sent_again(client):
    post = make_post()
    data = form_fields(client, post)
    del data["submission"]  # e.g. comments.js could not fetch it
    content = client.post(URL, data).content.decode()
    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', content).group(1)
    answer = CaptchaStore.objects.get(hashkey=key).response
    resent = {**data, "submission": _token_in(content), "captcha_0": key, "captcha_1": answer}
    assert client.post(URL, resent).status_code == 302
    assert Comment.objects.count() == 1


def test_the_post_page_carries_no_token_and_the_start_url_gives_one(client):
    post = make_post()
    content = client.get(post.get_absolute_url()).content.decode()
    assert _token_in(content) == ""  # a cached page must not share one token
    start = reverse("comments:start", args=[post.pk])
    assert f'data-start-url="{start}"' in content
    response = client.get(start)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    token = response.json()["submission"]
    assert tokens.submission_key(token, post.pk)
    assert client.get(start).json()["submission"] != token  # one per form
    assert not CaptchaStore.objects.exists()


def test_the_start_url_refuses_closed_and_hidden_posts(client):
    closed, draft = make_post(allow_comments=False), make_post(status=Post.Status.DRAFT)
    assert client.get(reverse("comments:start", args=[closed.pk])).status_code == 403
    assert client.get(reverse("comments:start", args=[draft.pk])).status_code == 404
    assert client.post(reverse("comments:start", args=[closed.pk])).status_code == 405


def test_racing_requests_with_one_token_make_one_comment(client, rf):
    """Both passed the check before either saved: the unique key stops the second."""
    post = make_post()
    request = rf.post(URL, REMOTE_ADDR="127.0.0.1")
    data = {"post": post, "name": "Grace", "email": "g@example.com", "body": "Hi."}
    first = operations.post_comment(data, request, submission_key="k" * 22)
    with pytest.raises(operations.AlreadyPosted) as raised:
        operations.post_comment({**data, "body": "Hi!"}, request, submission_key="k" * 22)
    assert raised.value.comment == first
    assert Comment.objects.count() == 1
