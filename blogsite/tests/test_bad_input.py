"""Ordinary but hostile input gets a 400 naming the field, never a 500 (issue 9, item 7).

PostgreSQL refuses a NUL in text and a value longer than its column, where SQLite stores either
silently; these tests run on both (``DATABASE_URL``).
"""

import pytest
from django.test import Client

from comments.models import Comment
from comments.tests.factories import form_fields, make_comment, make_post

pytestmark = pytest.mark.usefixtures("blog", "open_comments")
URL = "/comments/post/"


@pytest.fixture
def web():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("field", ["captcha_0", "captcha_1", "name", "body", "post", "timestamp"])
def test_a_nul_in_a_comment_field_is_a_400_naming_it(web, field):
    post = make_post()
    data = form_fields(web, post)
    data[field] = f"{data[field]}\x00"
    response = web.post(URL, data)
    assert response.status_code == 400
    assert f"the field “{field}” contains a NUL character" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_nul_in_a_field_name_or_in_other_forms_is_a_400(web):
    post = make_post()
    response = web.post(URL, {**form_fields(web, post), "x\x00": "1"})
    assert response.status_code == 400
    assert "a field name contains a NUL character" in response.content.decode()
    comment = make_comment(post)
    for url in (f"/comments/{comment.pk}/edit/", "/comments/unsubscribe/x/", "/admin/login/"):
        response = web.post(url, {"body": "a\x00b", "username": "a\x00", "password": "x"})
        assert response.status_code == 400, url
        assert "contains a NUL character" in response.content.decode()
    assert web.get("/search/", {"q": "a\x00b"}).status_code == 400


def test_a_valid_looking_302_character_email_is_a_form_error(web):
    post = make_post()
    local = "a" * 64
    email = f"{local}@{'b' * 60}.{'c' * 60}.{'d' * 60}.{'e' * 42}.example.com"
    assert len(email) == 302
    response = web.post(URL, form_fields(web, post, email=email))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ensure this value has at most 254 characters (it has 302)." in content
    assert "A *fine* post." in content or "A &#x2A;fine&#x2A; post." in content
    assert Comment.objects.count() == 0


def test_a_logged_in_users_long_full_name_fits_the_name_column(web):
    post = make_post()
    post.author.first_name, post.author.last_name = "F" * 150, "L" * 150
    post.author.save()
    web.force_login(post.author)
    response = web.post(URL, form_fields(web, post, name="", email=""))
    assert response.status_code == 302
    assert Comment.objects.get().name == "F" * 100
