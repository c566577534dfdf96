"""The thread's markup is written in Python (``comments/thread_html.py``) for speed; it must be
byte for byte what the reference template ``comments/_thread.html`` renders, for every kind of
comment a reader or its author can see, and one small thread's HTML is pinned exactly."""

from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string

from comments import threads
from comments.models import Comment, form_key
from comments.tests.factories import make_comment, make_post, make_user
from posts.models import Page

S = Comment.Status


def reference(**context):
    return render_to_string("comments/_thread.html", context)


def both(monkeypatch, post, page=1, own=(), notices=None):
    """The page of the thread written by the fast path, then by the reference template."""
    fast, _, _ = threads.personal_thread(post, page, list(own), notices)
    with monkeypatch.context() as m:
        m.setattr(threads, "render_thread", reference)
        slow, _, _ = threads.personal_thread(post, page, list(own), notices)
    return fast, slow


def assert_same(fast, slow):
    assert fast, "nothing rendered"
    if fast != slow:  # show where, not two walls of HTML
        at = next(i for i, (a, b) in enumerate(zip(fast, slow, strict=False)) if a != b)
        at = min(at, len(fast), len(slow))
        pytest.fail(
            f"differ at {at}: fast {fast[at - 80 : at + 80]!r} / {slow[at - 80 : at + 80]!r}"
        )


@pytest.fixture
def varied_post(db):
    """A post whose thread takes every branch of the markup: links, badges, a Webmention,
    placeholders for a pending and a removed comment with approved replies, nesting 5 deep
    closed at once, a held comment of the visitor's own, markup characters in every field."""
    author = make_user(first_name="Ada")
    staff = make_user(is_staff=True)
    post = make_post(author=author)
    top = make_comment(post, name="Zoë <b>\"&'", url="https://example.com/?a=1&b=<2>")
    reply = make_comment(post, top, user=author, name="Ada")
    deep = make_comment(post, reply, user=staff, name="Staff person")
    deeper = make_comment(post, deep, url="javascript:alert(1)", body="**bold** & <i>x</i>")
    make_comment(post, deeper, body="the fifth level")
    make_comment(
        post, channel=Comment.Channel.WEBMENTION, name="Elsewhere",
        source_url="https://elsewhere.example/post?x=1&y=2", url="https://elsewhere.example/",
    )  # fmt: skip
    pending = make_comment(post, status=S.PENDING)
    make_comment(post, pending, body="answering a held comment")
    removed = make_comment(post, status=S.REMOVED, body="rude")
    make_comment(post, removed, body="a kind answer")
    mine = make_comment(post, top, status=S.PENDING, name="Me <me>", body="my held reply")
    make_comment(post, created_at=datetime(2024, 1, 2, 3, 4, tzinfo=UTC))
    return post, mine


def test_fast_thread_is_byte_identical_to_the_template(monkeypatch, varied_post):
    post, _ = varied_post
    fast, slow = both(monkeypatch, post)
    assert fast.count('<li id="c') == 11
    assert_same(fast, slow)


def test_fast_thread_matches_for_the_authors_own_held_comment_and_notices(monkeypatch, varied_post):
    post, mine = varied_post
    notices = {mine.pk: ["Thanks: it <awaits> moderation."], mine.parent_id: ["A & B"]}
    own = threads.own_held(post, {mine.pk: form_key(post)})  # as the "my comments" cookie
    assert [c.pk for c in own] == [mine.pk]
    fast, slow = both(monkeypatch, post, own=own, notices=notices)
    assert "comment-own-held" in fast and "&lt;awaits&gt;" in fast
    assert_same(fast, slow)


def test_fast_thread_matches_on_a_later_page_and_on_a_static_page(monkeypatch, settings, db):
    settings.COMMENT_THREADS_PER_PAGE = 2
    post = make_post()
    for _ in range(3):
        make_comment(post, make_comment(post))
    fast, slow = both(monkeypatch, post, page=2)
    assert "?cpage=2#c" in fast
    assert_same(fast, slow)
    page = Page.objects.create(title="About", body="About.")
    Comment.objects.create(page=page, name="On a page", email="p@example.com", body="Hi.")
    assert_same(*both(monkeypatch, page))


def test_small_thread_html_is_pinned(db, settings):
    settings.TIME_ZONE = "UTC"
    post = make_post(slug="pinned", published_at=datetime(2024, 5, 1, tzinfo=UTC))
    when = datetime(2024, 5, 2, 9, 30, tzinfo=UTC)
    top = make_comment(
        post, name="Ann & Bo", url="https://ann.example/", body="Hi", created_at=when
    )
    answer = make_comment(post, top, name="Cy", body="Yo", created_at=when)
    html, _ = threads.thread_for(post, 1)
    t, r = top.pk, answer.pk
    permalink = "/2024/05/pinned/#c"
    reply = f"/comments/reply/{post.pk}/?replyto="
    assert html == (
        '\n<ol class="comment-list">\n'
        f'<li id="c{t}" class="comment level-1">\n'
        '\n<article class="comment-box p-comment h-cite">\n'
        '\n<header class="comment-meta">\n'
        '<span class="comment-author p-author h-card"><a class="p-name u-url" '
        'href="https://ann.example/" rel="nofollow ugc noopener">Ann &amp; Bo</a></span>\n\n\n'
        f'<a class="comment-permalink u-url" href="{permalink}{t}" title="Permalink">'
        '<time class="dt-published" datetime="2024-05-02T09:30:00+00:00">2 May 2024, 09:30'
        "</time></a>\n\n</header>\n"
        '<div class="comment-text e-content"><p>Hi</p></div>\n'
        f'\n<footer class="comment-actions"><a class="comment-reply" href="{reply}{t}" '
        f'data-parent="{t}" rel="nofollow">Reply</a></footer>\n'
        '\n</article>\n<ol class="replies">\n'
        f'<li id="c{r}" class="comment level-2">\n'
        '\n<article class="comment-box p-comment h-cite">\n'
        '\n<header class="comment-meta">\n'
        '<span class="comment-author p-author h-card"><span class="p-name">Cy</span></span>\n\n\n'
        f'<a class="comment-permalink u-url" href="{permalink}{r}" title="Permalink">'
        '<time class="dt-published" datetime="2024-05-02T09:30:00+00:00">2 May 2024, 09:30'
        "</time></a>\n\n</header>\n"
        '<div class="comment-text e-content"><p>Yo</p></div>\n'
        f'\n<footer class="comment-actions"><a class="comment-reply" href="{reply}{r}" '
        f'data-parent="{r}" rel="nofollow">Reply</a></footer>\n'
        "\n</article>\n\n"
        "</li></ol></li>\n</ol>\n"
    )
