"""Read a Disqus export (``<disqus xmlns="http://disqus.com">``) into comments on the site's
own posts.

The file lists ``category``, ``thread`` (a page that had comments: its ``link``) and ``post``
(a comment: ``thread``, ``parent``, ``author``, ``isDeleted``, ``isSpam``) elements. Comments
are matched to a post by the path of their thread's link, whatever the host (real exports mix
the blog's hostnames, ``localhost`` and cache or translate URLs), also through the site's
redirects, so the old URLs of a Blogger or WordPress import match. The file is read twice: first
the threads and which comment answers which (small maps), then the comments themselves.

A ``<thread dsq:id="…"/>`` inside a ``post`` is the same element name as a thread: the stream
hands it out (and empties it) before the post, so the reader notes its id as it passes.
"""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.urls import Resolver404, resolve

from posts.models import Page, Post
from posts.oldurls import canonical_path
from transfer.records import (
    Author,
    CommentRecord,
    ExistingPostRecord,
    SettingRecord,
    WarningRecord,
    parse_datetime,
)
from transfer.xmlstream import TransferError

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
THREAD, POST = f"{NS}thread", f"{NS}post"
ENTRIES = frozenset([THREAD, POST, f"{NS}category"])
TRUE = frozenset(["true", "1"])
# Hosts whose URLs hold the real page's URL: Google's cache and translation proxies.
PROXIES = ("webcache.googleusercontent.com", "translate.googleusercontent.com")
SPAM_HINT = "Disqus marked it as spam (a hint: held for a person to judge)"


def is_entry(tag):
    return tag in ENTRIES


def text(elem, name):
    node = elem.find(f"{NS}{name}")
    return (node.text or "").strip() if node is not None else ""


def check_root(elem):
    if elem.tag != f"{NS}disqus":
        name = elem.tag.rsplit("}", 1)[-1]
        raise TransferError(f"this is XML whose root is <{name}>, not a Disqus export")


def scan(events):
    """Pass one: ``(threads, comments)``: thread id -> link, comment id -> (thread, parent)."""
    threads, comments, ref = {}, {}, None
    for event, elem in events:
        if event == "root":
            check_root(elem)
        elif event != "entry":
            continue
        elif elem.tag == THREAD:
            if len(elem):
                threads[elem.get(DSQ_ID, "")] = text(elem, "link")
            else:
                ref = elem.get(DSQ_ID)  # the thread of the post being read
        elif elem.tag == POST:
            parent = elem.find(f"{NS}parent")
            comments[elem.get(DSQ_ID, "")] = (
                ref,
                parent.get(DSQ_ID) if parent is not None else None,
            )
            ref = None
    return threads, comments


def page_path(link):
    """The path of a thread's link, canonical, without a trailing slash or ``index.html``;
    a cached or translated page's own URL first."""
    parts = urlsplit(link.strip())
    if (parts.hostname or "") in PROXIES:
        query = parse_qs(parts.query)
        inner = (query.get("u") or query.get("q") or [""])[0]
        inner = inner.split(":", 2)[-1] if inner.startswith("cache:") else inner
        if inner:
            if "://" not in inner:
                inner = "http://" + inner
            return page_path(inner)
    path = canonical_path(parts.path or "/")
    path = path.removesuffix("index.html").removesuffix("index.htm")
    return path.rstrip("/") or "/"


class Matcher:
    """Find the post a thread's path belongs to: a redirect recorded for it, else the URL."""

    def __init__(self):
        self.found = {}

    def __call__(self, path):
        if path not in self.found:
            self.found[path] = self._match(path)
        return self.found[path]

    def _match(self, path):
        candidates = [path, path + "/"] if path != "/" else ["/"]
        target = (
            Redirect.objects.filter(site_id=settings.SITE_ID, old_path__in=candidates)
            .exclude(new_path="")
            .values_list("new_path", flat=True)
            .first()
        )
        for candidate in [target] if target else candidates:
            try:
                match = resolve(urlsplit(candidate).path)
            except Resolver404:
                continue
            if match.namespace != "posts":
                continue
            slug = match.kwargs.get("slug")
            if match.url_name == "detail":
                post = Post.objects.filter(slug=slug).values_list("pk", flat=True).first()
                if post:
                    return ("post", post)
            elif match.url_name == "page":
                page = Page.objects.filter(slug=slug).values_list("pk", flat=True).first()
                if page:
                    return ("page", page)
        return None


def read(events, threads, comments):
    """Pass two: the comments, as records for the importer."""
    match = Matcher()
    yield SettingRecord("__format__", "disqus")
    skipped = {}  # thread id -> [link, comments]
    posts = {}  # thread id -> pk of the post
    ref = None
    for event, elem in events:
        if event != "entry":
            continue
        if elem.tag == THREAD:
            if not len(elem):
                ref = elem.get(DSQ_ID)
            continue
        if elem.tag != POST:
            continue
        source = elem.get(DSQ_ID, "")
        thread, ref = ref, None
        if not source:
            raise TransferError("a post has no dsq:id")
        link = threads.get(thread)
        found = match(page_path(link)) if link else None
        if found is None:
            entry = skipped.setdefault(thread, [link, 0, found])
            entry[1] += 1
            continue
        if thread not in posts:
            posts[thread] = found[1]
            yield ExistingPostRecord(f"thread:{thread}", found[1], found[0])
        parent = comments.get(source, (None, None))[1]
        if parent is not None:
            parent_thread = comments.get(parent, (None,))[0]
            parent_link = threads.get(parent_thread)
            if parent not in comments or (
                parent_thread != thread and match(page_path(parent_link or "")) != found
            ):
                yield WarningRecord(
                    f"the reply's parent comment {parent} is not in the file (or not on this "
                    "post): imported as a comment, not a reply",
                    source,
                    "replies without their parent made comments",
                )
                parent = None
        yield comment_record(elem, source, thread, parent)
    for thread, (link, count, _found) in skipped.items():
        where = link or f"thread {thread} (not in the file)"
        why = "matches no post or page"
        yield WarningRecord(
            f"{count} comment{'s' if count != 1 else ''} skipped: {where} {why}",
            None,
            "comments skipped (thread matches no post)",
            count,
        )


def comment_record(elem, source, thread, parent):
    author = elem.find(f"{NS}author")
    name = text(author, "name") if author is not None else ""
    deleted = text(elem, "isDeleted").lower() in TRUE
    spam = text(elem, "isSpam").lower() in TRUE
    node = elem.find(f"{NS}message")
    record = CommentRecord(
        source_id=source,
        post_id=f"thread:{thread}",
        parent_id=parent,
        name=name or (text(author, "username") if author is not None else ""),
        email=text(author, "email") if author is not None else "",
        body=(node.text or "") if node is not None else "",
        status="removed" if deleted else "approved",
        created_at=parse_datetime(text(elem, "createdAt"), source),
    )
    if spam and not deleted:
        record.hold_reason = SPAM_HINT
    record.author = account_of(author)
    return record


def account_of(author):
    """The Disqus account that wrote a comment (its username and email), for tying the comment
    to the site's author of that account; ``None`` for a guest (``isAnonymous``), whose email
    anyone could have typed."""
    if author is None or text(author, "isAnonymous").lower() != "false":
        return None
    username, email = text(author, "username"), text(author, "email")
    if not (username or email):
        return None
    return Author(name=text(author, "name"), email=email, username=username)
