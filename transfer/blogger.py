"""Read Blogger exports: the classic Atom export (``blog-MM-DD-YYYY.xml``) and Google Takeout's
``feed.atom``, plus blogsite's own extension elements (written by ``export_blogger``).

Classic export: one Atom ``feed``; each ``entry`` says what it is with a ``category`` of scheme
``http://schemas.google.com/g/2005#kind`` (``...kind#post``, ``#comment``, ``#page``,
``#settings``, ``#template``). A comment names its post in ``thr:in-reply-to/@ref`` and, when it
answers another comment, carries ``link rel="related"`` ending in ``/comments/default/<id>``.
Drafts have ``app:control/app:draft`` = ``yes``; labels are categories of scheme
``http://www.blogger.com/atom/ns#``; a removed comment has the ``gd:extendedProperty``
``blogger.contentRemoved`` = ``true``.

Takeout ``feed.atom`` (namespace ``http://schemas.google.com/blogger/2018``): ``blogger:type``
(POST, PAGE, COMMENT), ``blogger:status`` (LIVE, DRAFT, SCHEDULED, SOFT_TRASHED, SPAM_COMMENT...),
``blogger:parent`` (a comment's post), ``blogger:inReplyTo`` (a reply's comment),
``blogger:filename`` (``/2014/03/slug.html``, ``/p/about.html``), ``blogger:trashed``.
"""

import html
import re
from functools import cache
from urllib.parse import urlsplit

from transfer.records import (
    Author,
    CommentRecord,
    PostRecord,
    RedirectRecord,
    SettingRecord,
    SkipRecord,
    parse_datetime,
)
from transfer.xmlstream import TransferError, serialize_children

ATOM = "http://www.w3.org/2005/Atom"
APP = "http://purl.org/atom/app#"
APP2 = "http://www.w3.org/2007/app"
THR = "http://purl.org/syndication/thread/1.0"
GD = "http://schemas.google.com/g/2005"
TAKEOUT = "http://schemas.google.com/blogger/2018"
BLOGSITE = "https://blogsite.invalid/ns/2026"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_BASE = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
NOREPLY = {"noreply@blogger.com", "anonymous@blogger.com"}

ID_RE = re.compile(r"(?:^|[.\-:])(?:post|page)-([^.]+)$")
RELATED_RE = re.compile(r"/comments/default/([^/?#]+)$")


# The qualified names below are built once each (``cache``): a classic export of 110,000 entries
# asks for them about a million times.


@cache
def a(name):
    return f"{{{ATOM}}}{name}"


@cache
def bs(name):
    return f"{{{BLOGSITE}}}{name}"


@cache
def tk(name):
    return f"{{{TAKEOUT}}}{name}"


# The names looked up in every entry, as constants (a lookup, not a call: 110,000 entries).
A_AUTHOR, A_CATEGORY, A_CONTENT, A_ID, A_LINK, A_PUBLISHED = map(
    a, ["author", "category", "content", "id", "link", "published"]
)
A_EMAIL, A_NAME, A_URI = map(a, ["email", "name", "uri"])
BS_EMAIL, BS_SOURCE, BS_STATUS, BS_URL, BS_USERNAME = map(
    bs, ["email", "source", "status", "url", "username"]
)
THR_IN_REPLY_TO = f"{{{THR}}}in-reply-to"
GD_EXTENDED_PROPERTY = f"{{{GD}}}extendedProperty"


def short_id(text):
    """``tag:blogger.com,1999:blog-1.post-42`` -> ``42``; anything else is kept as it is."""
    text = (text or "").strip()
    # The usual form without the regular expression (what it would find: the id after the last
    # ".post-", when no dot follows), 210,000 times for the benchmark's export.
    _, dot_post, tail = text.rpartition(".post-")
    if dot_post and tail and "." not in tail:
        return tail
    match = ID_RE.search(text)
    return match.group(1) if match else text


def text_of(elem, tag):
    return (elem.findtext(tag) or "").strip()


def content_of(elem, tag=None):
    """The HTML of an Atom text construct (``type`` text, html or xhtml)."""
    child = elem.find(tag or A_CONTENT)
    if child is None:
        return ""
    kind = child.get("type", "text")
    if kind == "xhtml":
        div = child.find("{http://www.w3.org/1999/xhtml}div")
        return serialize_children(div if div is not None else child)
    text = child.text or ""
    if kind in ("html", "text/html"):
        return text
    from transfer.xmlstream import escape_text

    return escape_text(text).replace("\n", "<br>\n")


def author_of(elem, ours=True):
    node = elem.find(A_AUTHOR)
    if node is None:
        return Author()
    email = text_of(node, A_EMAIL)
    return Author(
        name=text_of(node, A_NAME),
        email="" if email.lower() in NOREPLY else email,
        uri=text_of(node, A_URI),
        username=text_of(node, BS_USERNAME) if ours else "",
    )


def old_path(url):
    """The site-relative path of an old URL (``/2014/03/slug.html``), or ``""``."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    return parts.path if parts.path.startswith("/") else ""


def slug_from_path(path):
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name[:-5] if name.endswith(".html") else name


def alternate(elem):
    for link in elem.findall(A_LINK):
        if link.get("rel") == "alternate":
            return link.get("href", "")
    return ""


def detect(entry):
    """Which Blogger format this entry is in: ``classic``, ``takeout`` or None."""
    if entry.find(tk("type")) is not None:
        return "takeout"
    for cat in entry.findall(A_CATEGORY):
        if cat.get("scheme") == KIND_SCHEME:
            return "classic"
    return None


def read_entry(entry, fmt, ours=True):
    """Turn one ``entry`` element into a record. ``ours``: the file declares blogsite's own
    namespace (written by ``export_blogger``); without it no entry can hold those elements,
    and they are not looked for (a dozen searches an entry)."""
    entry_id = text_of(entry, A_ID)
    if fmt == "takeout":
        return _takeout(entry, entry_id, ours)
    return _classic(entry, entry_id, ours)


def _kind(entry):
    for cat in entry.findall(A_CATEGORY):
        if cat.get("scheme") == KIND_SCHEME:
            term = cat.get("term", "")
            return term.rsplit("#", 1)[-1] if "#" in term else term
    return ""


def _classic(entry, entry_id, ours=True):
    kind = _kind(entry)
    if kind == "settings":
        return SettingRecord(entry_id.rsplit(".settings.", 1)[-1], content_of(entry).strip())
    if kind in ("template", "layout"):
        return SkipRecord("template")
    if kind in ("post", "page"):
        return _post(entry, entry_id, kind, _classic_post_state(entry), ours=ours)
    if kind == "comment":
        return _classic_comment(entry, entry_id, ours)
    if kind == "redirect" and ours:
        return RedirectRecord(
            [t.text for t in entry.findall(bs("old-path")) if t.text],
            text_of(entry, bs("new-path")),
            text_of(entry, bs("label")),
        )
    return SkipRecord(kind or "entry of unknown kind")


def _classic_post_state(entry):
    control = entry.find(f"{{{APP}}}control")
    if control is None:
        control = entry.find(f"{{{APP2}}}control")
    if control is not None:
        for ns in (APP, APP2):
            if text_of(control, f"{{{ns}}}draft").lower() == "yes":
                return "draft"
    return "published"


def _post(entry, entry_id, kind, status, filename="", trashed=False, takeout=False, ours=True):
    """A post or page record. A Takeout ``feed.atom`` marks kinds with ``blogger:type``, not
    with categories, so there every category is a label whatever its scheme (or none), and
    its titles may hold HTML character references inside the XML text (``&amp;#39;``)."""
    source_id = short_id(entry_id)
    if not source_id:
        raise TransferError("an entry has no id", "?")
    published = parse_datetime(text_of(entry, A_PUBLISHED), source_id)
    title = text_of(entry, a("title"))
    record = PostRecord(
        kind=kind,
        source_id=source_id,
        title=html.unescape(title) if takeout else title,
        body=content_of(entry),
        status=status,
        published_at=published,
        created_at=published,
        author=author_of(entry, ours),
        trashed=trashed,
    )
    path = filename or old_path(alternate(entry))
    if path:
        record.old_paths.append(path)
        record.slug = slug_from_path(path)
    for cat in entry.findall(A_CATEGORY):
        scheme = cat.get("scheme")
        if scheme == LABEL_SCHEME or (kind == "post" and (scheme is None or takeout)):
            term = (cat.get("term") or "").strip()
            if term and term not in record.labels:
                record.labels.append(term)
    if ours:
        _blogsite_post(entry, record)
    return record


def _blogsite_post(entry, record):
    """blogsite's own extension elements: they win over what Blogger's format can say."""
    source = entry.find(bs("source"))
    if source is not None:
        record.body, record.body_format = source.text or "", source.get("format", "html")
    if (slug := text_of(entry, bs("slug"))) != "":
        record.slug = slug
    if (status := text_of(entry, bs("status"))) != "":
        record.status = status
    if (created := text_of(entry, bs("created"))) != "":
        record.created_at = parse_datetime(created, record.source_id)
    if entry.find(bs("published-at")) is not None:
        record.published_at = parse_datetime(text_of(entry, bs("published-at")), record.source_id)
    if entry.find(bs("summary")) is not None:
        record.summary = entry.find(bs("summary")).text or ""
    if (allow := text_of(entry, bs("allow-comments"))) != "":
        record.allow_comments = allow == "true"
    if (menu := text_of(entry, bs("show-in-menu"))) != "":
        record.show_in_menu = menu == "true"
    tags = entry.findall(bs("tag"))
    if tags:
        record.labels = [t.text or "" for t in tags if (t.text or "").strip()]
    record.old_paths.extend(t.text for t in entry.findall(bs("old-path")) if t.text)


def _classic_comment(entry, entry_id, ours=True):
    source_id = short_id(entry_id)
    reply_to = entry.find(THR_IN_REPLY_TO)
    if reply_to is None:
        raise TransferError("a comment names no post (no thr:in-reply-to)", source_id)
    parent = None
    for link in entry.findall(A_LINK):
        if link.get("rel") == "related":
            match = RELATED_RE.search(link.get("href", ""))
            if match:
                parent = match.group(1)
    removed = any(
        prop.get("name") == "blogger.contentRemoved" and prop.get("value") == "true"
        for prop in entry.findall(GD_EXTENDED_PROPERTY)
    )
    author = author_of(entry, ours)
    record = CommentRecord(
        source_id=source_id,
        post_id=short_id(reply_to.get("ref", "")),
        parent_id=parent,
        name=author.name,
        email=author.email,
        url=author.uri,
        username=author.username,
        body=content_of(entry),
        status="removed" if removed else "approved",
        created_at=parse_datetime(text_of(entry, A_PUBLISHED), source_id),
    )
    if ours:
        _blogsite_comment(entry, record)
    return record


def _blogsite_comment(entry, record):
    source = entry.find(BS_SOURCE)
    if source is not None:
        record.body, record.body_format = source.text or "", source.get("format", "html")
    if (status := text_of(entry, BS_STATUS)) != "":
        record.status = status
    if entry.find(BS_EMAIL) is not None:
        record.email = text_of(entry, BS_EMAIL)
    if entry.find(BS_URL) is not None:
        record.url = text_of(entry, BS_URL)
    if text_of(entry, bs("kind")) == "mention":
        record.kind = "mention"


TAKEOUT_POST_STATUS = {
    "LIVE": "published",
    "SCHEDULED": "published",
    "DRAFT": "draft",
    "SOFT_TRASHED": "draft",
    "IMPORTED": "draft",
}
TAKEOUT_COMMENT_STATUS = {
    "LIVE": "approved",
    "SPAM_COMMENT": "spam",
    "SPAM": "spam",
    "PENDING": "pending",
    "DRAFT": "pending",
    "SOFT_TRASHED": "removed",
    "TRASHED": "removed",
    "DELETED": "removed",
}


def _takeout(entry, entry_id, ours=True):
    kind = text_of(entry, tk("type")).upper()
    status = text_of(entry, tk("status")).upper() or "LIVE"
    trashed = bool(text_of(entry, tk("trashed"))) or status == "SOFT_TRASHED"
    if kind in ("POST", "PAGE"):
        if status not in TAKEOUT_POST_STATUS:
            raise TransferError(f"unknown blogger:status {status!r}", short_id(entry_id))
        record = _post(
            entry,
            entry_id,
            kind.lower(),
            "draft" if trashed else TAKEOUT_POST_STATUS[status],
            filename=text_of(entry, tk("filename")),
            trashed=trashed,
            takeout=True,
            ours=ours,
        )
        created = text_of(entry, tk("created"))
        if created and (not ours or entry.find(bs("created")) is None):
            record.created_at = parse_datetime(created, record.source_id)
        return record
    if kind == "COMMENT":
        source_id = short_id(entry_id)
        post_id = short_id(text_of(entry, tk("parent")))
        if not post_id:
            raise TransferError("a comment names no post (no blogger:parent)", source_id)
        if trashed:
            state = "removed"
        elif status in TAKEOUT_COMMENT_STATUS:
            state = TAKEOUT_COMMENT_STATUS[status]
        else:
            raise TransferError(f"unknown comment blogger:status {status!r}", source_id)
        author = author_of(entry, ours)
        record = CommentRecord(
            source_id=source_id,
            post_id=post_id,
            parent_id=short_id(text_of(entry, tk("inReplyTo"))) or None,
            name=author.name,
            email=author.email,
            url=author.uri,
            body=content_of(entry),
            status=state,
            created_at=parse_datetime(
                text_of(entry, A_PUBLISHED) or text_of(entry, tk("created")), source_id
            ),
        )
        if ours:
            _blogsite_comment(entry, record)
        return record
    return SkipRecord(kind.lower() or "entry of unknown type")


def read(events):
    """Turn the element stream of a Blogger export into records (the format is detected)."""
    fmt, ours = None, False
    for event, elem in events:
        if event == "ns":
            # (a namespace is declared at an element's start: before the entry that uses it)
            ours = ours or elem[1] == BLOGSITE
            continue
        if event == "root":
            if elem.tag == "rss" or elem.tag.endswith("}rss"):
                raise TransferError(
                    "this is an RSS file (a WordPress export?): use import_wordpress for WXR"
                )
            if elem.tag != a("feed"):
                name = elem.tag.rsplit("}", 1)[-1]
                raise TransferError(f"this is XML whose root is <{name}>, not a Blogger export")
            continue
        if event != "entry":
            continue
        if fmt is None:
            fmt = detect(elem)
            if fmt is None:
                raise TransferError(
                    "this is an Atom feed but not a Blogger export (its entries carry no "
                    "Blogger kind or blogger:type; a blog's public feed holds no comments or "
                    "drafts: export from Settings > Manage blog > Back up content)"
                )
            yield SettingRecord("__format__", fmt)
        yield read_entry(elem, fmt, ours)
