"""Write the site as a classic Blogger Atom export, plus blogsite's extension elements.

Blogger and other tools read the standard part (kinds, ``thr:in-reply-to``, ``related`` links,
``app:draft``, labels, ``blogger.contentRemoved``); blogsite's own importer also reads the
``blogsite:`` elements (namespace ``https://blogsite.invalid/ns/2026``): the Markdown source,
slug, status and times, summary, comment states and commenters' email, so that importing the file
into an empty blogsite gives back the same posts, pages, tags and threads. Entries are written
one at a time: memory does not grow with the site.
"""

import re
import xml.etree.ElementTree as ET
from datetime import UTC

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.utils import timezone

from comments.models import Comment
from posts.models import BlogSettings, Label, Page, Post
from transfer.blogger import APP, ATOM, BLOGSITE, GD, KIND_BASE, KIND_SCHEME, LABEL_SCHEME, THR
from transfer.xmlstream import escape_attr, escape_text

PREFIXES = {"app": APP, "gd": GD, "thr": THR, "blogsite": BLOGSITE}
BLOG_ID = "1"


def _q(ns, name):
    return f"{{{ns}}}{name}"


def _sub(parent, ns, local, text=None, **attrs):
    elem = ET.SubElement(parent, _q(ns, local), {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        elem.text = text
    return elem


def _time(value):
    return value.astimezone(UTC).isoformat(timespec="microseconds") if value else ""


_PREFIX_OF = {uri: prefix + ":" for prefix, uri in PREFIXES.items()} | {ATOM: ""}


def _name(tag):
    uri, _, local = tag[1:].partition("}")
    return _PREFIX_OF[uri] + local


def _xml(text):
    """Drop characters XML cannot carry; keep carriage returns."""
    return _FORBIDDEN.sub("", text).replace("\r", "&#13;")


_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def serialize(elem):
    """Serialize an element with the feed's prefixes (declared once, on ``feed``)."""
    name = _name(elem.tag)
    attrs = "".join(f' {k}="{_xml(escape_attr(v))}"' for k, v in elem.attrib.items())
    inner = _xml(escape_text(elem.text or "")) + "".join(serialize(child) for child in elem)
    if not inner:
        return f"<{name}{attrs}/>"
    return f"<{name}{attrs}>{inner}</{name}>"


def source_id(obj, letter):
    """The entry id's last part: the Blogger id it was imported with, else a blogsite one."""
    if obj.import_id and obj.import_id.startswith("blogger:"):
        return obj.import_id.split(":", 1)[1]
    return f"{letter}{obj.pk}"


def entry_id(kind, short):
    return f"tag:blogger.com,1999:blog-{BLOG_ID}.{kind}-{short}"


class Exporter:
    def __init__(self, out):
        self.out = out
        self.base = settings.SITE_URL  # the one origin of absolute links (posts.links)
        self.counts = {"posts": 0, "pages": 0, "comments": 0, "redirects": 0}

    def write(self):
        blog = BlogSettings.load()
        attrs = f"xmlns='{ATOM}' " + " ".join(f"xmlns:{p}='{u}'" for p, u in PREFIXES.items())
        self.out.write(f"<?xml version='1.0' encoding='UTF-8'?>\n<feed {attrs}>\n")
        head = ET.Element("head")
        _sub(head, ATOM, "id", f"tag:blogger.com,1999:blog-{BLOG_ID}")
        _sub(head, ATOM, "updated", _time(timezone.now()))
        _sub(head, ATOM, "title", blog.title, type="text")
        _sub(head, ATOM, "link", rel="alternate", type="text/html", href=self.base + "/")
        _sub(head, ATOM, "generator", "blogsite", version="1", uri="https://blogsite.invalid/")
        for child in head:
            self._emit(child)
        # The old URLs that redirect to each post and page (so a round trip keeps them).
        self.old_paths = {}
        for old, new in (
            Redirect.objects.filter(site_id=settings.SITE_ID)
            .order_by("pk")
            .values_list("old_path", "new_path")
        ):
            self.old_paths.setdefault(new, []).append(old)
        targets = {}  # ("post" or "page", pk) -> (kind, short id), for the comments' links
        for page in Page.objects.order_by("pk").iterator():
            targets["page", page.pk] = ("page", source_id(page, "g"))
            self._emit(self.page_entry(page, targets["page", page.pk][1]))
            self.counts["pages"] += 1
        for post in Post.objects.select_related("author").prefetch_related("tags").order_by("pk"):
            targets["post", post.pk] = ("post", source_id(post, "p"))
            self._emit(self.post_entry(post, targets["post", post.pk][1]))
            self.counts["posts"] += 1
        comments = Comment.objects.select_related("user", "parent").order_by(
            "post_id", "page_id", "path"
        )
        for comment in comments.iterator(chunk_size=2000):
            self._emit(self.comment_entry(comment, *targets[comment.target_key]))
            self.counts["comments"] += 1
        self.other_redirects()
        self.out.write("</feed>\n")

    def other_redirects(self):
        """The old URLs that lead elsewhere than to a post or page (WordPress's label URLs to
        a tag's page, its feeds): one ``redirect`` entry per target, which only blogsite reads.
        A tag's page is named by the tag (its slug on the next site may differ)."""
        tags = {tag.get_absolute_url(): tag.name for tag in Label.objects.all()}
        for n, (new, olds) in enumerate(self.old_paths.items(), start=1):
            entry = ET.Element(_q(ATOM, "entry"))
            _sub(entry, ATOM, "id", entry_id("redirect", n))
            _sub(entry, ATOM, "category", scheme=KIND_SCHEME, term=KIND_BASE + "redirect")
            for old in olds:
                _sub(entry, BLOGSITE, "old-path", old)
            _sub(entry, BLOGSITE, "new-path", new)
            if new in tags:
                _sub(entry, BLOGSITE, "label", tags[new])
            self._emit(entry)
            self.counts["redirects"] += len(olds)

    def _emit(self, elem):
        self.out.write(serialize(elem) + "\n")

    def _entry(self, kind, short, published, updated):
        entry = ET.Element(_q(ATOM, "entry"))
        _sub(entry, ATOM, "id", entry_id("page" if kind == "page" else "post", short))
        _sub(entry, ATOM, "published", _time(published))
        _sub(entry, ATOM, "updated", _time(updated or published))
        _sub(entry, ATOM, "category", scheme=KIND_SCHEME, term=KIND_BASE + kind)
        return entry

    def _source(self, entry, obj):
        _sub(entry, BLOGSITE, "source", obj.body, format=obj.body_format)

    def post_entry(self, post, short):
        entry = self._entry("post", short, post.published_at or post.created_at, post.updated_at)
        if post.status == Post.Status.DRAFT:
            control = _sub(entry, APP, "control")
            _sub(control, APP, "draft", "yes")
        tags = sorted(post.tags.all(), key=lambda t: t.name)
        for tag in tags:
            _sub(entry, ATOM, "category", scheme=LABEL_SCHEME, term=tag.name)
        _sub(entry, ATOM, "title", post.title, type="text")
        _sub(entry, ATOM, "content", post.body_html, type="html")
        if post.status == Post.Status.PUBLISHED:
            date = post.url_date
            href = f"{self.base}/{date.year}/{date.month:02d}/{post.slug}.html"
            _sub(entry, ATOM, "link", rel="alternate", type="text/html", href=href)
        author = _sub(entry, ATOM, "author")
        _sub(author, ATOM, "name", post.author.get_full_name() or post.author.get_username())
        if post.author.email:
            _sub(author, ATOM, "email", post.author.email)
        _sub(author, BLOGSITE, "username", post.author.get_username())
        self._source(entry, post)
        _sub(entry, BLOGSITE, "slug", post.slug)
        _sub(entry, BLOGSITE, "status", post.status)
        _sub(entry, BLOGSITE, "published-at", _time(post.published_at))
        _sub(entry, BLOGSITE, "created", _time(post.created_at))
        _sub(entry, BLOGSITE, "summary", post.summary)
        _sub(entry, BLOGSITE, "allow-comments", "true" if post.allow_comments else "false")
        for tag in tags:
            _sub(entry, BLOGSITE, "tag", tag.name)
        self._old_paths(entry, post)
        return entry

    def page_entry(self, page, short):
        entry = self._entry("page", short, page.created_at, page.updated_at)
        if not page.is_published:
            control = _sub(entry, APP, "control")
            _sub(control, APP, "draft", "yes")
        _sub(entry, ATOM, "title", page.title, type="text")
        _sub(entry, ATOM, "content", page.body_html, type="html")
        href = f"{self.base}/p/{page.slug}.html"
        _sub(entry, ATOM, "link", rel="alternate", type="text/html", href=href)
        self._source(entry, page)
        _sub(entry, BLOGSITE, "slug", page.slug)
        _sub(entry, BLOGSITE, "status", "published" if page.is_published else "draft")
        _sub(entry, BLOGSITE, "created", _time(page.created_at))
        _sub(entry, BLOGSITE, "show-in-menu", "true" if page.show_in_menu else "false")
        _sub(entry, BLOGSITE, "allow-comments", "true" if page.allow_comments else "false")
        self._old_paths(entry, page)
        return entry

    def _old_paths(self, entry, obj):
        for path in self.old_paths.pop(obj.get_absolute_url(), ()):
            _sub(entry, BLOGSITE, "old-path", path)

    def comment_entry(self, comment, kind, post_short):
        """A comment on the post or page (``kind``) whose entry id ends in ``post_short``."""
        short = source_id(comment, "c")
        entry = self._entry("comment", short, comment.created_at, comment.updated_at)
        _sub(entry, ATOM, "title", "", type="text")
        _sub(entry, ATOM, "content", comment.body_html, type="html")
        feed = f"https://www.blogger.com/feeds/{BLOG_ID}/{post_short}/comments/default"
        _sub(entry, ATOM, "link", rel="self", type="application/atom+xml", href=f"{feed}/{short}")
        if comment.parent_id:
            parent_short = source_id(comment.parent, "c")
            href = f"{feed}/{parent_short}"
            _sub(entry, ATOM, "link", rel="related", type="application/atom+xml", href=href)
        author = _sub(entry, ATOM, "author")
        _sub(author, ATOM, "name", comment.name)
        if comment.url:
            _sub(author, ATOM, "uri", comment.url)
        _sub(author, ATOM, "email", "noreply@blogger.com")
        if comment.user_id:
            _sub(author, BLOGSITE, "username", comment.user.get_username())
        _sub(
            entry,
            THR,
            "in-reply-to",
            ref=entry_id(kind, post_short),
            type="text/html",
            source=f"https://www.blogger.com/feeds/{BLOG_ID}/posts/default/{post_short}",
        )
        if comment.status == Comment.Status.REMOVED:
            _sub(entry, GD, "extendedProperty", name="blogger.contentRemoved", value="true")
        self._source(entry, comment)
        _sub(entry, BLOGSITE, "status", comment.status)
        _sub(entry, BLOGSITE, "email", comment.email)
        _sub(entry, BLOGSITE, "url", comment.url)
        if comment.kind != Comment.Kind.COMMENT:
            _sub(entry, BLOGSITE, "kind", comment.kind)
        return entry
