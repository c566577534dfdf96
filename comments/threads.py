"""The visible thread of a post (or a page: everything here takes either): one page of top-level threads, one query, rendered in one pass
and cached under the post's comment version (``Post.comments_changed_at``), which every process
reads from the database, so no process serves a stale thread after a change."""

import math

from django.conf import settings
from django.db.models import Count, F, Q, Subquery
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe

from blogsite import prepared
from blogsite.cached import get_or_compute
from comments.models import Comment, form_key, on
from comments.thread_html import render_thread
from posts.models import Page

THREADS_PER_PAGE = 50
TEMPLATE_VERSION = 7  # bump when the thread's markup (or its cache entry) changes
LIST_FIELDS = (
    "id", "post_id", "page_id", "parent_id", "thread_id", "path", "depth", "status", "kind",
    "name", "url", "body_html", "created_at", "user_id", "channel", "source_url",
)  # fmt: skip


NOTICE_TAG = "comment-notice"  # a message shown beside the comment or the form, not on top


def notice_tags(comment=None):
    """The ``extra_tags`` of a message that the comment section shows inside ``comment`` (or
    by the form), in view where the redirect's anchor lands, rather than at the page's top."""
    return f"{NOTICE_TAG} {NOTICE_TAG}-{comment.pk}" if comment is not None else NOTICE_TAG


def threads_per_page():
    return getattr(settings, "COMMENT_THREADS_PER_PAGE", THREADS_PER_PAGE)


def _of(target):
    return "page" if isinstance(target, Page) else "post"


def top_level(target):
    """Visible top-level comments of a post or a page: one per thread (mentions aside)."""
    return Comment.objects.filter(
        **on(target), parent__isnull=True, kind=Comment.Kind.COMMENT
    ).visible(_of(target))


def page_of(comment):
    """The comments page (1-based) that holds ``comment``'s thread (mentions: page 1)."""
    if comment.kind == Comment.Kind.MENTION:
        return 1
    before = top_level(comment.target).filter(thread_id__lt=comment.thread_id).count()
    return before // threads_per_page() + 1


class Row:
    """One comment of a page of the thread, read as a plain row (``LIST_FIELDS`` plus the
    ``user_is_staff`` and ``thread_count`` annotations): building a model instance per comment
    was three quarters of the thread's query time. It has what the thread uses of a
    ``Comment``; a visitor's own held comments (``own_held``) are real ones, mixed in."""

    FIELDS = (*LIST_FIELDS, "user_is_staff", "thread_count")
    safe_url = Comment.safe_url
    _channels = dict(Comment.Channel.choices)

    def __init__(self, values):
        self.__dict__.update(zip(self.FIELDS, values, strict=True))

    def get_channel_display(self):
        return str(self._channels.get(self.channel, self.channel))


def page_comments(target, page):
    """The visible comments of one page of threads (``Row``s), in thread order, each carrying
    the post's number of threads (for the page links), and on page 1 the approved mentions:
    one query, built and compiled once per process and shape (``blogsite.prepared``: the
    ORM took several times longer to make it than SQLite to run it)."""
    shape = (_of(target), threads_per_page(), page)
    return [Row(values) for values in prepared.rows(_page_queryset, shape, [target.pk])]


def _page_queryset(of, per_page, page, pk):
    """``page_comments``'s query for the post or page ``pk`` (``of``: "post" or "page")."""
    on_target = {f"{of}_id": pk}

    def top():
        return Comment.objects.filter(
            **on_target, parent__isnull=True, kind=Comment.Kind.COMMENT
        ).visible(of)

    threads = top().order_by("thread_id").values("thread_id")
    threads = threads[(page - 1) * per_page : page * per_page]
    thread_count = top().values(f"{of}_id").annotate(n=Count("id")).values("n")
    # Each side of the OR on its own index: (post, thread) for the threads (mentions are never
    # among them), the small index of mentions for those.
    wanted = Q(**on_target, thread_id__in=threads)
    if page == 1:
        wanted |= Q(**on_target, kind=Comment.Kind.MENTION, status=Comment.Status.APPROVED)
    return (
        Comment.objects.filter(wanted)
        .visible(of)
        .annotate(user_is_staff=F("user__is_staff"), thread_count=Subquery(thread_count))
        .order_by("path")
        .values_list(*Row.FIELDS)
    )


def nest(comments):
    """Annotate each comment with the markup that places it in the tree.

    ``close`` is what ends the previous comments before this one opens and ``opens_replies``
    tells whether this one's replies follow; levels come from the parent chain, so an
    inconsistent stored depth cannot break the page.
    """
    open_ids = []  # the chain of comments whose <li> is still open
    last = None
    for comment in comments:
        closes = 0
        while open_ids and open_ids[-1] != comment.parent_id:
            open_ids.pop()
            closes += 1
        if last is not None:
            last.opens_replies = closes == 0
        # closing the previous <li> and, above it, each finished list of replies
        comment.close = mark_safe("</li>" + "</ol></li>" * (closes - 1)) if closes else ""  # noqa: S308
        comment.level = len(open_ids) + 1
        open_ids.append(comment.id)
        last = comment
    if last is not None:
        last.opens_replies = False
    tail = "</li>" + "</ol></li>" * (len(open_ids) - 1) if open_ids else ""
    return comments, mark_safe(tail)  # noqa: S308


def _dates(comments):
    # Formatted here once rather than by two |date filters per comment: on a long thread
    # the filters were a fifth of the render. The hour and minute as numbers: strftime's
    # "%H:%M" was half of this loop.
    months = {number: str(name) for number, name in MONTHS.items()}
    zone = timezone.get_current_timezone()
    for comment in comments:
        comment.link = comment.safe_url
        local = comment.created_at.astimezone(zone)  # timezone.localtime, the zone found once
        comment.when_iso = local.isoformat()
        comment.when = (
            f"{local.day} {months[local.month]} {local.year}, {local.hour:02d}:{local.minute:02d}"
        )


def render_mentions(mentions):
    """The links to the post from elsewhere: the linking page's title, linked, and its date."""
    if not mentions:
        return ""
    _dates(mentions)
    return render_to_string("comments/_mentions.html", {"mentions": mentions})


def thread_context(post, comments, page, notices=None):
    """What the thread's markup needs: ``comments`` annotated (``threads.nest``, dates,
    badges, ``notices``), the closing ``tail``, the page's and the reply form's URLs."""
    comments, tail = nest(comments)
    for comment in comments:
        comment.notices = (notices or {}).get(comment.id, ())
    _dates(comments)
    for comment in comments:
        if comment.user_id and comment.user_id == post.author_id:  # a page has no author
            comment.badge = "Author"
        else:
            comment.badge = "Staff" if comment.user_is_staff else ""
    page_url = post.get_absolute_url() + (f"?cpage={page}" if page > 1 else "")
    return {"comments": comments, "tail": tail, "page_url": page_url, "reply_url": reply_url(post)}


def render_page(post, comments, page, notices=None):
    """The thread's HTML; ``notices`` (``{comment_id: [message, ...]}``) are shown inside those
    comments, for their author's own page (never cached). Written by ``thread_html`` (the
    bytes ``comments/_thread.html`` renders, several times faster)."""
    if not comments:
        return ""
    return render_thread(**thread_context(post, comments, page, notices))


def reply_url(target):
    """The form on its own page, for a post or a page."""
    name = "comments:page-reply" if isinstance(target, Page) else "comments:reply"
    return reverse(name, args=[target.pk])


def _cache_key(post, *parts):
    version = post.comments_changed_at.timestamp()
    pk = f"page{post.pk}" if isinstance(post, Page) else post.pk
    return ":".join(
        str(p)
        for p in ("comments:thread", TEMPLATE_VERSION, pk, version, settings.TIME_ZONE, *parts)
    )


MAX_ID_DIGITS = 18  # below 2**63, the largest database integer
MAX_PAGE = 10**6  # page * threads per page stays a database integer


def parse_id(value):
    """A positive whole number a visitor typed, or ``None``: ASCII digits only ("²" passes
    ``str.isdigit()`` but not ``int()``), short enough for a database integer."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > MAX_ID_DIGITS:
        return None
    return int(value) or None


def parse_page(value):
    """``?cpage=N``: a missing value is page 1; anything else must be a positive number."""
    if value in (None, ""):
        return 1
    page = parse_id(value)
    if page is None or page > MAX_PAGE:
        raise Http404("No such comments page.")
    return page


def own_held(post, mine):
    """The visitor's own comments on ``post`` that wait for a moderator (or that the filter
    took for spam: its author is told "awaiting moderation" alike), from the ids of their
    "my comments" cookie (``tokens.my_comments``): one query, and none when they have sent
    nothing to this post."""
    key = form_key(post)
    ids = [pk for pk, target in mine.items() if target == key]
    if not ids:
        return []
    held = (Comment.Status.PENDING, Comment.Status.SPAM)
    return list(
        Comment.objects.filter(pk__in=ids, **on(post), status__in=held, kind=Comment.Kind.COMMENT)
        .annotate(user_is_staff=F("user__is_staff"))
        .only(*LIST_FIELDS)
    )


def personal_thread(post, page, own=(), notices=None):
    """``(html, num_pages, shown_ids)``: the page of the thread as one visitor sees it, with
    their own held comments (``own_held``) in place and the messages about their comment
    (``notices``, ``{comment_id: [message, ...]}``) inside it. Rendered for them alone and
    never cached, so the shared thread never holds a held comment; 404 past the last page."""
    found = list(page_comments(post, page))
    comments = [c for c in found if c.kind == Comment.Kind.COMMENT]
    mentions = [c for c in found if c.kind == Comment.Kind.MENTION]
    count = (found[0].thread_count or 0) if found else 0
    num_pages = max(1, math.ceil(count / threads_per_page()))
    on_page = {c.thread_id for c in comments if c.parent_id is None}
    shown = {c.id for c in comments}
    own_ids = {c.id for c in own}
    for comment in own:
        # a held reply sits in its thread; a held new thread comes after the last page's
        new_thread = comment.parent_id is None and page == num_pages
        if comment.id not in shown and (comment.thread_id in on_page or new_thread):
            comments.append(comment)
    if not comments and page > 1:
        raise Http404("No such comments page.")
    for comment in comments:
        comment.own = comment.id in own_ids and comment.status != Comment.Status.APPROVED
    comments.sort(key=lambda c: c.path)
    html = render_page(post, comments, page, notices) + render_mentions(mentions)
    return html, num_pages, {c.id for c in comments}


def thread_for(post, page):
    """``(html, num_pages)`` for one page of the post's thread; 404 past the last page.

    Cold: one query; warm (the post's comment version unchanged): none. Shared by every
    reader: a visitor's own held comments are added by ``personal_thread`` instead.
    """
    html, count, _ = _thread_entry(post, page)
    return html, max(1, math.ceil(count / threads_per_page()))


def first_page_approved(post):
    """The approved comments on the first page of the thread, in thread order, as
    ``(id, name, website, body_html, created_at)``: what the post's JSON-LD lists. They come
    with the thread's own cache entry, so a cold post page reads its comments once."""
    return _thread_entry(post, 1)[2]


def _thread_entry(post, page):
    """``(html, thread count, approved rows on page 1)``, cached under the comment version."""
    return get_or_compute(
        _cache_key(post, threads_per_page(), page),
        lambda: _thread_rows(post, page),
        24 * 3600,
        "comment thread",
    )


def _thread_rows(post, page):
    found = list(page_comments(post, page))
    comments = [c for c in found if c.kind == Comment.Kind.COMMENT]
    mentions = [c for c in found if c.kind == Comment.Kind.MENTION]
    if not comments and page > 1:
        raise Http404("No such comments page.")
    count = (found[0].thread_count or 0) if found else 0  # mentions only: no threads
    approved = [
        (c.id, c.name, c.safe_url, c.body_html, c.created_at)
        for c in comments
        if page == 1 and c.status == Comment.Status.APPROVED
    ]
    html = render_page(post, comments, page) + render_mentions(mentions)
    return html, count, approved


def comment_url(comment):
    """The post page that shows ``comment``, anchored at it (no ``cpage`` on page 1)."""
    page = page_of(comment)
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.target.get_absolute_url()}{query}#c{comment.pk}"


def landing_url(comment):
    """Where its author goes after sending a comment: the comment, where the thread shows
    it; held, it is shown there to its author alone (a held new thread: on the last page)."""
    if comment.is_visible or comment.parent_id is not None:
        return comment_url(comment)
    count = top_level(comment.target).count()
    page = max(1, math.ceil(count / threads_per_page()))
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.target.get_absolute_url()}{query}#c{comment.pk}"
