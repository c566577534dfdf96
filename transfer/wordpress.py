"""Read a WordPress export (WXR 1.0-1.2): an RSS ``channel`` of ``item`` elements, with the
``wp:`` namespace for ids, states, authors and threaded ``wp:comment`` elements."""

import re
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from transfer.records import Author, CommentRecord, PostRecord, SkipRecord, parse_datetime
from transfer.xmlstream import TransferError

WP_NS = re.compile(r"^\{http://wordpress\.org/export/1\.\d+/\}")
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


def is_entry(tag):
    """WXR's entries: ``item`` and the channel's ``wp:author`` list."""
    return tag == "item" or (WP_NS.match(tag) is not None and tag.endswith("}author"))


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


def autop(html):
    """WordPress stores post text with blank lines for paragraphs (``wpautop``)."""
    if not html or re.search(r"<(p|div|h[1-6]|ul|ol|table|blockquote)[\s>]", html):
        return html
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", html) if p.strip()]
    return "".join("<p>" + p.replace("\n", "<br>\n") + "</p>\n" for p in paragraphs)


def read(events):
    authors = {}
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
        if event == "ns" and elem[1].startswith("http://wordpress.org/export/"):
            authors.setdefault("__wxr__", True)
            continue
        if event != "entry":
            continue
        if "__wxr__" not in authors:
            raise TransferError(
                "this is an RSS feed but not a WordPress export (no wp: namespace; export from "
                "Tools > Export in WordPress)"
            )
        if elem.tag != "item":
            fields = wp(elem)
            login = txt(fields.get("author_login"))
            authors[login] = Author(
                name=txt(fields.get("author_display_name")) or login,
                email=txt(fields.get("author_email")),
                username=login,
            )
            continue
        yield from read_item(elem, authors)


def read_item(item, authors):
    fields = wp(item)
    kind = txt(fields.get("post_type")) or "post"
    source_id = txt(fields.get("post_id"))
    if kind not in ("post", "page"):
        yield SkipRecord(f"WordPress {kind}")
        return
    if not source_id:
        raise TransferError("an item has no wp:post_id", txt(item.find("title"))[:60] or "?")
    status = txt(fields.get("status"))
    login = txt(item.find(f"{DC_NS}creator"))
    author = authors.get(login) or Author(name=login, username="")
    published = wp_date(
        txt(fields.get("post_date_gmt")), txt(fields.get("post_date")), txt(item.find("pubDate"))
    )
    record = PostRecord(
        kind=kind,
        source_id=source_id,
        title=txt(item.find("title")),
        body=autop(item.findtext(f"{CONTENT_NS}encoded") or ""),
        status=POST_STATUS.get(status, "draft"),
        published_at=published,
        created_at=published,
        slug=unquote(txt(fields.get("post_name"))),
        author=Author(name=author.name, email=author.email),
        allow_comments=txt(fields.get("comment_status")) != "closed",
        trashed=status == "trash",
    )
    excerpt = next((c for c in item if c.tag.endswith("}encoded") and "excerpt" in c.tag), None)
    record.summary = txt(excerpt)
    for cat in item.iterfind("category"):
        if cat.get("domain") in ("category", "post_tag"):
            name = txt(cat)
            if name and name != "Uncategorized" and name not in record.labels:
                record.labels.append(name)
    link = txt(item.find("link"))
    parts = urlsplit(link)
    if parts.path:
        record.old_paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    record.old_paths.append(f"/?{'page_id' if kind == 'page' else 'p'}={source_id}")
    yield record
    for node in item:
        if WP_NS.match(node.tag) and node.tag.endswith("}comment"):
            yield read_comment(node, source_id)


def read_comment(node, post_id):
    fields = wp(node)
    source_id = txt(fields.get("comment_id"))
    if not source_id:
        raise TransferError("a comment has no wp:comment_id", post_id)
    approved = txt(fields.get("comment_approved")) or "1"
    if approved not in COMMENT_STATUS:
        raise TransferError(f"unknown wp:comment_approved {approved!r}", source_id)
    parent = txt(fields.get("comment_parent"))
    return CommentRecord(
        source_id=source_id,
        post_id=post_id,
        parent_id=parent if parent not in ("", "0") else None,
        name=txt(fields.get("comment_author")),
        email=txt(fields.get("comment_author_email")),
        url=txt(fields.get("comment_author_url")),
        body=autop(
            (fields.get("comment_content").text or "") if "comment_content" in fields else ""
        ),
        status=COMMENT_STATUS[approved],
        created_at=wp_date(txt(fields.get("comment_date_gmt")), txt(fields.get("comment_date"))),
    )
