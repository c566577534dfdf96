"""A comment's Markdown is rendered before the write transaction opens (rendering holds no
database lock), and exactly once; ``Comment.objects.create`` still renders on its own."""

import pytest
from django.db import connection

from comments import models
from comments.models import Comment
from comments.tests.factories import form_fields, make_post


@pytest.fixture
def renders(monkeypatch):
    """Each call of the comment renderer, as ``(source, inside a transaction?)``."""
    calls = []
    real = models.render

    def spy(text, source_format, **kwargs):
        calls.append((text, connection.in_atomic_block))
        return real(text, source_format, **kwargs)

    monkeypatch.setattr(models, "render", spy)
    return calls


# Real transactions: inside pytest-django's usual test transaction every render would be
# "inside" one.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("blog")]


def test_posting_a_comment_renders_before_the_transaction(client, renders):
    post = make_post()
    response = client.post("/comments/post/", form_fields(client, post, body="A *fine* post."))
    assert response.status_code == 302
    assert renders == [("A *fine* post.", False)]
    assert Comment.objects.get().body_html == "<p>A <em>fine</em> post.</p>"


def test_an_edit_renders_before_the_transaction(client, renders):
    post = make_post()
    client.post("/comments/post/", form_fields(client, post, body="Frist!"))
    comment = Comment.objects.get()
    renders.clear()
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "First, **really**."})
    assert response.status_code == 302
    assert renders == [("First, **really**.", False)]
    comment.refresh_from_db()
    assert comment.body_html == "<p>First, <strong>really</strong>.</p>"


def test_objects_create_still_renders(renders):
    comment = Comment.objects.create(post=make_post(), name="Ops", body="From a *script*.")
    assert comment.body_html == "<p>From a <em>script</em>.</p>"
    comment.body = "Changed in a **script**."
    comment.save()
    comment.refresh_from_db()
    assert comment.body_html == "<p>Changed in a <strong>script</strong>.</p>"
    assert [text for text, _ in renders] == ["From a *script*.", "Changed in a **script**."]
