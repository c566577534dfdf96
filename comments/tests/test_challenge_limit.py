"""Creating captcha challenges is rate-limited per address: each one is a database row, and
an anonymous client made about 375 a second (issue 9)."""

import json

import pytest
from captcha.models import CaptchaStore
from django.test import Client
from django.urls import resolve, reverse

from comments import challenge
from comments.models import Comment
from comments.tests.factories import form_fields, make_post
from comments.views import captcha_refresh

pytestmark = pytest.mark.usefixtures("blog")
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
REFRESH = "/captcha/refresh/"


@pytest.fixture(autouse=True)
def three_per_ten_minutes(settings):
    settings.CAPTCHA_RATE_LIMIT = (3, 600)


def test_the_refresh_url_keeps_its_name_and_is_limited():
    assert reverse("captcha-refresh") == REFRESH
    assert resolve(REFRESH).func is captcha_refresh
    assert reverse("captcha-image", args=["abc"]) == "/captcha/image/abc/"


def test_the_refresh_view_answers_429_after_the_limit(client):
    for _ in range(3):
        response = client.get(REFRESH, **XHR)
        assert response.status_code == 200
        assert json.loads(response.content)["key"]
    response = client.get(REFRESH, **XHR)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert json.loads(response.content) == {"error": challenge.TOO_MANY}
    assert CaptchaStore.objects.count() == 3
    assert Client(REMOTE_ADDR="198.51.100.2").get(REFRESH, **XHR).status_code == 200


def test_a_plain_request_is_still_the_packages_404_and_costs_nothing(client):
    for _ in range(5):
        assert client.get(REFRESH).status_code == 404
    assert client.get(REFRESH, **XHR).status_code == 200


def test_behind_a_proxy_each_visitor_has_their_own_limit(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(5):
        visitor = Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert visitor.get(REFRESH, **XHR).status_code == 200
    assert CaptchaStore.objects.count() == 5


def test_the_reply_page_stops_making_challenges(client):
    post = make_post()
    url = reverse("comments:reply", args=[post.pk])
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert response["Retry-After"]
    assert challenge.TOO_MANY in response.content.decode()
    assert CaptchaStore.objects.count() == 3


def test_a_form_sent_back_keeps_its_text_when_no_challenge_is_left(client):
    post = make_post()
    data = form_fields(client, post, captcha_1="wrong", body="My careful words.")
    client.get(REFRESH, **XHR)
    client.get(REFRESH, **XHR)  # the third challenge of three
    response = client.post("/comments/post/", data)
    assert response.status_code == 429
    content = response.content.decode()
    assert challenge.TOO_MANY in content
    assert "My careful words." in content
    assert not Comment.objects.exists()
