"""Pages take comments as posts do: the thread, the form (``page``), moderation and a feed."""

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.tests.factories import form_fields, make_comment, make_post
from posts.models import Page

pytestmark = pytest.mark.usefixtures("blog")
URL = "/comments/post/"


def make_page(**fields):
    return Page.objects.create(title="About us", slug="about", body="Who we are.", **fields)


def on_page(page, parent=None, **fields):
    fields.setdefault("name", "Ana")
    fields.setdefault("body", "Hello there.")
    return Comment.objects.create(page=page, parent=parent, **fields)


def test_a_comment_is_on_a_post_or_a_page_never_both_nor_neither(db):
    page, post = make_page(), make_post()
    with pytest.raises(IntegrityError):
        Comment.objects.create(post=post, page=page, name="A", body="b")
    with pytest.raises(IntegrityError):
        Comment.objects.create(name="A", body="b")


def test_a_reply_must_be_on_the_same_page(db):
    page, post = make_page(), make_post()
    top = on_page(page)
    with pytest.raises(ValueError, match="same post"):
        make_comment(post, top)


def test_the_page_shows_its_thread_nested_and_counted(client):
    page = make_page()
    top = on_page(page, body="First!")
    reply = on_page(page, top, name="Ben", body="Second.")
    held = on_page(page, name="Spammy", body="held one", status=Comment.Status.PENDING)
    page.refresh_from_db()
    assert page.comment_count == 2
    html = client.get(page.get_absolute_url()).content.decode()
    assert "2 comments" in html and "First!" in html and "Second." in html
    assert "held one" not in html and f'id="c{held.pk}"' not in html
    # the reply's element is inside its parent's (the thread's structure is the page's)
    start = html.index(f'id="c{top.pk}"')
    assert start < html.index(f'id="c{reply.pk}"') < html.index("</li>", html.index("Second."))
    assert 'name="page"' in html and 'name="post"' not in html
    assert f'data-start-url="/comments/start/page/{page.pk}/"' in html


def test_a_removed_comment_with_replies_keeps_the_page_thread_shape(client):
    page = make_page()
    top = on_page(page, body="Soon gone")
    on_page(page, top, name="Ben", body="Still here.")
    top.status = Comment.Status.REMOVED
    top.save()
    html = client.get(page.get_absolute_url()).content.decode()
    assert "This comment has been removed" in html and "Still here." in html
    assert "Soon gone" not in html


def test_a_page_and_a_post_with_the_same_id_keep_their_own_threads(client):
    post = make_post()
    page = make_page(pk=post.pk)  # the same id: the thread cache must not mix them up
    make_comment(post, body="About the post.")
    on_page(page, body="About the page.")
    post.refresh_from_db()  # the same thread version too (it can happen: a timestamp)
    Page.objects.filter(pk=page.pk).update(comments_changed_at=post.comments_changed_at)
    cache.clear()
    post_html = client.get(post.get_absolute_url()).content.decode()
    page_html = client.get(page.get_absolute_url()).content.decode()
    assert "About the post." in post_html and "About the page." not in post_html
    assert "About the page." in page_html and "About the post." not in page_html


def test_reading_a_page_costs_the_same_queries_as_a_post_and_writes_nothing(client):
    page = make_page()
    for _ in range(3):
        on_page(page, on_page(page))
    client.get(page.get_absolute_url())  # warm the cache: a second read makes no thread query
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page.get_absolute_url()).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert all(s.lstrip().upper().startswith("SELECT") for s in sql), sql
    assert not any('"comments_comment"' in s for s in sql)  # the thread came from the cache


def test_a_visitor_comments_on_a_page_and_replies(client):
    page = make_page()
    response = client.post(URL, form_fields(client, page), follow=True)
    comment = Comment.objects.get()
    assert (comment.page, comment.post) == (page, None)
    assert response.redirect_chain == [(f"{page.get_absolute_url()}#c{comment.pk}", 302)]
    assert "visible now" in response.content.decode()
    client.post(URL, form_fields(client, page, parent=comment, body="A reply."))
    reply = Comment.objects.latest("pk")
    assert (reply.page, reply.parent, reply.depth) == (page, comment, 2)
    page.refresh_from_db()
    assert page.comment_count == 2


def test_a_reply_to_a_comment_of_another_page_is_refused(client):
    page = make_page()
    other = Page.objects.create(title="Contact", slug="contact", body="Write.")
    foreign = on_page(other)
    response = client.post(URL, form_fields(client, page, parent=foreign))
    assert response.status_code == 400
    assert not Comment.objects.filter(page=page).exists()


def test_a_token_for_a_post_does_not_send_a_comment_to_the_page_of_that_id(client):
    post = make_post()
    make_page(pk=post.pk)
    data = form_fields(client, post)
    data["page"] = data.pop("post")
    assert client.post(URL, data).status_code == 400
    assert not Comment.objects.exists()


def test_a_closed_page_answers_403_and_keeps_the_text(client):
    page = make_page()
    data = form_fields(client, page)
    Page.objects.filter(pk=page.pk).update(allow_comments=False)
    response = client.post(URL, data)
    assert response.status_code == 403
    assert "A *fine* post." in response.content.decode()
    assert not Comment.objects.exists()
    html = client.get(page.get_absolute_url()).content.decode()
    assert "Comments are closed." in html and 'id="comment-form"' not in html


def test_an_unpublished_page_takes_no_comments(client):
    page = make_page()
    data = form_fields(client, page)
    Page.objects.filter(pk=page.pk).update(is_published=False)
    assert client.post(URL, data).status_code == 404


def test_permalink_of_a_page_comment_goes_to_the_page(client):
    page = make_page()
    comment = on_page(page)
    response = client.get(comment.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{page.get_absolute_url()}#c{comment.pk}"


def test_page_comments_feed_and_site_feed(client):
    page = make_page()
    on_page(page, name="Ana", body="On the page.")
    on_page(page, name="Held", body="Not yet.", status=Comment.Status.PENDING)
    make_comment(make_post(), name="Zoe", body="On a post.")
    feed = client.get(f"{page.get_absolute_url()}comments/feed/")
    assert feed.status_code == 200
    text = feed.content.decode()
    assert "Ana on About us" in text and "Not yet." not in text and "On a post." not in text
    site = client.get("/feeds/comments/").content.decode()
    assert "Ana on About us" in site and "Zoe on" in site
    Page.objects.filter(pk=page.pk).update(is_published=False)
    assert client.get(f"{page.get_absolute_url()}comments/feed/").status_code == 404
    assert "Ana on About us" not in client.get("/feeds/comments/").content.decode()
