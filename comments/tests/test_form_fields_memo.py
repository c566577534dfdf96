"""The post page's comment form: an untouched form's fields are rendered once per process
(comment_tags.comment_form_fields); whoever reads next must still get their own form, and a
change must show at once."""

import pytest
from django.core.cache import cache
from django.forms.renderers import DjangoTemplates
from django.http import HttpResponse
from django.test import override_settings

from comments import tokens
from comments.tests.factories import make_post, make_user
from posts.models import Post

pytestmark = pytest.mark.usefixtures("blog")


class MarkedRenderer(DjangoTemplates):
    """Django's widget renderer with a marker before every widget."""

    def render(self, template_name, context, request=None):
        return "<!--marked-->" + super().render(template_name, context, request)


def _page(client, post, **query):
    cache.clear()  # the whole-page cache: here the fields are what is tested
    response = client.get(post.get_absolute_url(), query)
    assert response.status_code == 200
    return response.content.decode()


def _remembered(client, name):
    response = HttpResponse()
    tokens.remember_author(response, {"name": name, "email": "ada@example.com", "url": ""})
    client.cookies.update(response.cookies)


def test_a_visitor_after_another_gets_their_own_fields(client):
    post = make_post()
    first = _page(client, post)
    assert first == _page(client, post)  # the second render comes from the process's memo
    assert 'name="name"' in first and 'value="Ada"' not in first

    _remembered(client, "Ada")
    assert 'value="Ada"' in _page(client, post)  # remembered: not the untouched form's

    client.cookies.clear()
    client.force_login(make_user(first_name="Bea"))
    logged_in = _page(client, post)
    assert 'name="name"' not in logged_in and "Commenting as Bea" in logged_in
    client.logout()
    assert _page(client, post) == first


def test_a_reply_link_keeps_its_parent(client):
    post = make_post()
    _page(client, post)
    assert 'name="parent" value="7"' in _page(client, post, replyto="7")


def test_a_settings_change_is_seen_on_the_next_page(client):
    post = make_post()
    marked = "<!--marked--><textarea"  # the comment's box: one of the remembered fields
    assert marked not in _page(client, post)
    with override_settings(FORM_RENDERER=f"{__name__}.MarkedRenderer"):
        assert marked in _page(client, post)
    assert marked not in _page(client, post)


def test_closing_comments_removes_the_remembered_form(client):
    post = make_post()
    assert 'id="comment-form"' in _page(client, post)
    Post.objects.filter(pk=post.pk).update(allow_comments=False)
    html = _page(client, post)
    assert "Comments are closed." in html and 'id="comment-form"' not in html
