"""Read a WordPress export (WXR 1.0-1.2): an RSS ``channel`` of ``item`` elements, with the
``wp:`` namespace for ids, states, authors and threaded ``wp:comment`` elements."""

import hashlib
import re
from collections import Counter
from datetime import UTC
from email.utils import parsedate_to_datetime
from html import unescape
from urllib.parse import unquote, urlsplit

from django.utils.html import strip_tags

from transfer.autop import autop
from transfer.records import (
    Author,
    CommentRecord,
    LabelRecord,
    PostRecord,
    SettingRecord,
    SkipRecord,
    WarningRecord,
    parse_datetime,
)
from transfer.shortcodes import Expander, Media
from transfer.xmlstream import TransferError

# Every namespace WordPress's own parsers take: WXR 1.0, 1.1 and 1.2, http or https (WordPress.com
# writes https).
WXR_URI = re.compile(r"^https?://wordpress\.org/export/1\.[012]/$")
WP_NS = re.compile(r"^\{https?://wordpress\.org/export/1\.[012]/\}")
EXCERPT_TAG = re.compile(r"^\{https?://wordpress\.org/export/1\.[012]/excerpt/\}encoded$")
MENTION_TYPES = frozenset(["pingback", "trackback"])
# Post labels: categories and tags (``tag`` is how WXR 1.0 names tags); other taxonomies are not.
LABEL_DOMAINS = frozenset(["category", "post_tag", "tag"])
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
DC_NS = "{http://purl.org/dc/elements/1.1/}"

POST_STATUS = {
    "publish": "published",
    "future": "published",
    "draft": "draft",
    "pending": "draft",
    "private": "draft",
    "auto-draft": "draft",
    "inherit": "draft",
    "trash": "draft",
}
COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "removed"}


CHANNEL_ENTRIES = ("}author", "}wp_author", "}category", "}tag")


def is_entry(tag):
    """WXR's entries: ``item`` and the channel's ``wp:author`` list."""
    return tag == "item" or (WP_NS.match(tag) is not None and tag.endswith(CHANNEL_ENTRIES))


def wp(elem):
    """The ``wp:`` children of an element, by local name (first of each)."""
    out = {}
    for child in elem:
        if WP_NS.match(child.tag):
            out.setdefault(child.tag.rsplit("}", 1)[-1], child)
    return out


def txt(node):
    return (node.text or "").strip() if node is not None else ""


def wp_date(gmt, local, rfc822=""):
    for value in (gmt, local):
        if value and not value.startswith("0000"):
            parsed = parse_datetime(value.replace(" ", "T"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if rfc822:
        try:
            parsed = parsedate_to_datetime(rfc822)
        except (TypeError, ValueError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


class EntryTags:
    """Which closed elements the stream hands out: ``item``, the channel's author list, and the
    channel's own ``title`` (the blog's title), which is the first element of the channel and so
    the first element the parser closes; any later ``title`` belongs to an item."""

    def __init__(self):
        self.first = True

    def __call__(self, tag):
        if self.first:
            self.first = False
            if tag == "title":
                return True
        return is_entry(tag)


def read(events):
    authors = {}
    seen_ids = Counter()
    labels = set()
    media = Media()
    wxr = False
    for event, elem in events:
        if event == "root":
            if elem.tag == "{http://www.w3.org/2005/Atom}feed":
                raise TransferError(
                    "this is an Atom feed (a Blogger export?): use import_blogger for it"
                )
            if elem.tag != "rss":
                name = elem.tag.rsplit("}", 1)[-1]
                raise TransferError(f"this is XML whose root is <{name}>, not a WordPress export")
            continue
        if event == "ns" and WXR_URI.match(elem[1]):
            wxr = True
            continue
        if event != "entry":
            continue
        if not wxr:
            raise TransferError(
                "this is an RSS feed but not a WordPress export (no wp: namespace; export from "
                "Tools > Export in WordPress)"
            )
        if elem.tag == "title":
            if title := " ".join(unescape(elem.text or "").split()):
                yield SettingRecord("__title__", title)
            continue
        if elem.tag.endswith(("}category", "}tag")):
            yield from read_term(elem, labels)
            continue
        if elem.tag != "item":
            fields = wp(elem)
            login = txt(fields.get("author_login"))
            authors[login] = authors[f"#{txt(fields.get('author_id'))}"] = Author(
                name=unescape(txt(fields.get("author_display_name"))) or login,
                email=txt(fields.get("author_email")),
                username=login,
            )
            continue
        yield from read_item(elem, authors, seen_ids, labels, media)


def read_term(elem, labels):
    """A channel ``wp:category`` or ``wp:tag``: its name, slug and id (for ``/?cat=N``)."""
    fields = wp(elem)
    if elem.tag.endswith("}category"):
        kind, name, slug = "category", fields.get("cat_name"), fields.get("category_nicename")
    else:
        kind, name, slug = "tag", fields.get("tag_name"), fields.get("tag_slug")
    name, slug = " ".join(unescape(txt(name)).split()), unquote(txt(slug))
    if name and (kind, slug) not in labels:
        labels.add((kind, slug))
        yield LabelRecord(name, kind, slug, txt(fields.get("term_id")))


def read_item(item, authors, seen_ids, labels, media):
    fields = wp(item)
    kind = txt(fields.get("post_type")) or "post"
    if kind == "attachment":  # for the galleries and players of the posts that follow
        media.add(
            txt(fields.get("post_id")),
            txt(fields.get("attachment_url")),
            txt(fields.get("post_parent")),
            txt(item.find("title")),
        )
    if kind not in ("post", "page"):
        yield SkipRecord(f"WordPress {kind}")
        return
    title = txt(item.find("title"))
    source_id = txt(fields.get("post_id"))
    if not source_id:
        # WordPress gives such an item a new id; ours must be the same on every run.
        key = txt(item.find("guid")) or txt(item.find("link")) or title
        source_id = "noid-" + hashlib.sha1(key.encode()).hexdigest()[:12]  # noqa: S324
        yield WarningRecord(
            f"{kind} {title[:60]!r} has no wp:post_id: imported with id {source_id}",
            source_id,
            "items without an id given one",
        )
    seen_ids[source_id] += 1
    if seen_ids[source_id] > 1:
        first = source_id
        source_id = f"{first}-{seen_ids[first]}"
        yield WarningRecord(
            f"wp:post_id {first} is used again by {kind} {title[:60]!r}: imported with id "
            f"{source_id}",
            source_id,
            "repeated ids renumbered",
        )
    status = txt(fields.get("status"))
    state = POST_STATUS.get(status, "draft")
    if txt(fields.get("post_password")) and state == "published":
        state = "draft"
        yield WarningRecord(
            f"{kind} {title[:60]!r} is password-protected: imported as a draft, not published",
            source_id,
            "password-protected kept as drafts",
        )
    author = find_author(txt(item.find(f"{DC_NS}creator")), authors)
    published = wp_date(
        txt(fields.get("post_date_gmt")), txt(fields.get("post_date")), txt(item.find("pubDate"))
    )
    expander = Expander(txt(fields.get("post_id")), media)
    body = expander.body(item.findtext(f"{CONTENT_NS}encoded") or "")
    for warning in expander.warnings:
        yield WarningRecord(warning, source_id, "shortcodes left out")
    record = PostRecord(
        kind=kind,
        source_id=source_id,
        title=title,
        body=body,
        status=state,
        published_at=published,
        created_at=published,
        slug=unquote(txt(fields.get("post_name"))),
        author=Author(name=author.name, email=author.email, username=author.username),
        allow_comments=txt(fields.get("comment_status")) != "closed",
        trashed=status == "trash",
    )
    excerpt = next((c for c in item if EXCERPT_TAG.match(c.tag)), None)
    record.summary = plain_text(excerpt.text if excerpt is not None else "")
    for cat in item.iterfind("category"):
        if cat.get("domain", "category") in LABEL_DOMAINS:
            name = " ".join(unescape(txt(cat)).split())
            if (
                name
                and name != "Uncategorized"
                and name.lower() not in map(str.lower, record.labels)
            ):
                record.labels.append(name)
    link = txt(item.find("link"))
    parts = urlsplit("".join(link.split()))  # one real <link> is broken over two lines
    if parts.path:
        record.old_paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    record.old_paths.append(f"/?{'page_id' if kind == 'page' else 'p'}={source_id}")
    yield record
    nodes = [node for node in item if WP_NS.match(node.tag) and node.tag.endswith("}comment")]
    ids = {txt(wp(node).get("comment_id")) for node in nodes}
    for node in nodes:
        yield from read_comment(node, source_id, ids, authors)


def find_author(login, authors):
    """The listed author of a post's ``dc:creator`` (a stray ``<`` or ``>`` aside); the one
    listed author when the post names none."""
    if login in authors:
        return authors[login]
    if (trimmed := login.strip("<> ")) in authors:
        return authors[trimmed]
    if not login:
        listed = [a for key, a in authors.items() if key and not key.startswith("#")]
        return listed[0] if len(listed) == 1 else Author(name="WordPress author")
    return Author(name=login)


def plain_text(html):
    """An excerpt as the plain text blogsite keeps in ``summary`` (WordPress allows HTML)."""
    return " ".join(unescape(strip_tags(html or "")).split())


def read_comment(node, post_id, ids, authors):
    fields = wp(node)
    source_id = txt(fields.get("comment_id"))
    if not source_id:
        raise TransferError("a comment has no wp:comment_id", post_id)
    approved = txt(fields.get("comment_approved")) or "1"
    if approved not in COMMENT_STATUS:
        raise TransferError(f"unknown wp:comment_approved {approved!r}", source_id)
    parent = txt(fields.get("comment_parent"))
    parent = parent if parent not in ("", "0") else None
    kind = "mention" if txt(fields.get("comment_type")) in MENTION_TYPES else "comment"
    if kind == "mention":
        parent = None  # a link from elsewhere answers no comment
    if parent is not None and parent not in ids:
        yield WarningRecord(
            f"the reply's parent comment {parent} is not in the file: imported as a comment, "
            "not a reply",
            source_id,
            "replies without their parent made comments",
        )
        parent = None
    yield CommentRecord(
        source_id=source_id,
        post_id=post_id,
        parent_id=parent,
        name=unescape(txt(fields.get("comment_author"))),
        email=txt(fields.get("comment_author_email")),
        url=txt(fields.get("comment_author_url")),
        body=autop(
            (fields.get("comment_content").text or "") if "comment_content" in fields else ""
        ),
        status=COMMENT_STATUS[approved],
        created_at=wp_date(txt(fields.get("comment_date_gmt")), txt(fields.get("comment_date"))),
        kind=kind,
        author=authors.get(f"#{txt(fields.get('comment_user_id'))}"),
    )
