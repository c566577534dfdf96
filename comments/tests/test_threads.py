import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from comments import threads
from comments.models import Comment
from comments.tests.factories import make_comment, make_post, make_threads

S = Comment.Status


def test_reply_is_threaded_under_its_parent(db):
    post = make_post()
    top = make_comment(post)
    reply = make_comment(post, top)
    again = make_comment(post, reply)
    assert (top.depth, reply.depth, again.depth) == (1, 2, 3)
    assert again.thread_id == top.pk
    assert list(Comment.objects.filter(post=post)) == [top, reply, again]


def test_reply_below_the_depth_limit_joins_the_deepest_comments_parent(db):
    post = make_post()
    chain = [make_comment(post)]
    for _ in range(4):
        chain.append(make_comment(post, chain[-1]))
    assert chain[-1].depth == 5
    too_deep = make_comment(post, chain[-1])
    assert too_deep.depth == 5
    assert too_deep.parent == chain[-2]


def test_removed_comment_with_an_approved_reply_stays_as_placeholder(db):
    post = make_post()
    removed = make_comment(post, status=S.REMOVED, body="Rude words")
    make_comment(post, removed, body="A kind answer")
    make_comment(post, status=S.SPAM, body="Lonely spam")
    html, _ = threads.thread_for(post, 1)
    assert f'id="c{removed.pk}"' in html
    assert "This comment has been removed" in html
    assert "Rude words" not in html and "Lonely spam" not in html
    assert "A kind answer" in html


def test_each_comment_element_contains_its_replies(db):
    post = make_post()
    a = make_comment(post)
    b = make_comment(post, a)
    c = make_comment(post, b)
    d = make_comment(post, a)
    e = make_comment(post)
    html, _ = threads.thread_for(post, 1)
    # opening and closing of the <li>s, in order, show the tree
    events = re.findall(r'<li id="c(\d+)"|</li>', html)
    opened = [m for m in events if m]
    assert opened == [str(x.pk) for x in (a, b, c, d, e)]
    tree, stack = {}, []
    for token in re.findall(r'<li id="c\d+"|</li>', html):
        if token.startswith("<li"):
            pk = int(token[9:-1])
            tree[pk] = stack[-1] if stack else None
            stack.append(pk)
        else:
            stack.pop()
    assert not stack
    assert tree == {a.pk: None, b.pk: a.pk, c.pk: b.pk, d.pk: a.pk, e.pk: None}


def test_visitor_markup_is_never_rendered(db):
    post = make_post()
    make_comment(
        post,
        name="<script>alert(1)</script>",
        url="javascript:alert(2)",
        body="<img src=x onerror=alert(3)> [x](javascript:alert(4))",
    )
    html, _ = threads.thread_for(post, 1)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html
    assert "<img" not in html


def test_commenter_url_gets_nofollow(db):
    post = make_post()
    make_comment(post, url="https://example.com/me")
    html, _ = threads.thread_for(post, 1)
    assert (
        '<a class="p-name u-url" href="https://example.com/me" rel="nofollow ugc noopener">' in html
    )


@pytest.mark.parametrize("value", ["0", "-1", "x", "1.5"])
def test_bad_page_numbers_are_404(value):
    with pytest.raises(Http404):
        threads.parse_page(value)


def test_pages_hold_whole_threads(db, settings):
    settings.COMMENT_THREADS_PER_PAGE = 2
    post = make_post()
    make_threads(post, 3, replies_each=2)
    first, pages = threads.thread_for(post, 1)
    second, _ = threads.thread_for(post, 2)
    assert pages == 2
    assert first.count('<li id="c') == 6 and second.count('<li id="c') == 3
    with pytest.raises(Http404):
        threads.thread_for(post, 3)


def _queries_for_thread(post):
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        threads.thread_for(post, 1)
    with CaptureQueriesContext(connection) as warm:
        threads.thread_for(post, 1)
    return len(cold), len(warm)


def test_query_count_is_the_same_for_10_and_300_comments(db):
    small, big = make_post(), make_post()
    make_threads(small, 5, replies_each=1)
    make_threads(big, 50, replies_each=5)
    assert big.comments.count() == 300
    small.refresh_from_db()
    big.refresh_from_db()
    assert _queries_for_thread(small) == _queries_for_thread(big) == (1, 0)


def test_a_change_is_seen_at_once_through_the_version(db):
    post = make_post()
    make_comment(post, body="first")
    threads.thread_for(post, 1)
    make_comment(post, body="second")
    post.refresh_from_db()
    html, _ = threads.thread_for(post, 1)
    assert "second" in html


def test_thread_renders_when_the_cache_is_down(db, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.1},
        }
    }
    post = make_post()
    make_comment(post, body="still here")
    html, _ = threads.thread_for(post, 1)
    assert "still here" in html
    assert "cache unavailable" in caplog.text


def test_a_reply_must_be_on_its_parents_post(db):
    parent = make_comment(make_post())
    with pytest.raises(ValueError, match="same post"):
        make_comment(make_post(), parent=parent)


def test_a_held_comment_with_approved_replies_says_it_awaits_moderation(db, client):
    post = make_post()
    parent = make_comment(post)
    make_comment(post, parent=parent, body="A visible reply.")
    Comment.objects.filter(pk=parent.pk).update(status=Comment.Status.PENDING)
    Comment.objects.get(pk=parent.pk).save(update_fields=["updated_at"])  # moves the version on
    html = client.get(post.get_absolute_url()).content.decode()
    assert "This comment is awaiting moderation" in html
    assert "has been removed" not in html


@pytest.mark.parametrize("target", ["post", "page"])
def test_a_post_read_before_a_comment_and_saved_after_keeps_the_comment(db, client, target):
    """An edit saved from a copy read before a comment arrived put back the old count and
    thread version, so every process kept serving the cached thread without the comment."""
    from posts.models import Page

    item = make_post() if target == "post" else Page.objects.create(title="About us")
    client.get(item.get_absolute_url())  # the thread cached
    stale = type(item).objects.get(pk=item.pk)
    on = {"post": item} if target == "post" else {"post": None, "page": item}
    make_comment(**on, body="Arrived while the editor was open.")
    stale.title = "Edited"
    stale.save()
    item.refresh_from_db()
    assert item.title == "Edited" and item.comment_count == 1
    assert "Arrived while the editor was open." in client.get(item.get_absolute_url()).text
