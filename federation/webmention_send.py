"""Webmention out: when a post becomes visible or is edited, each page it links to is told.

``send_webmentions`` (a task) compares the post's links with what was sent before
(``SentWebmention``): every link in it now is told (again, after an edit: the receiver reads
the post anew), and every link that left it is told once more, so that the receiver sees the
link gone (the spec asks for both). Each target is its own task, ``send_webmention``:
endpoint discovery (the ``Link`` header, then the first ``<link>`` or ``<a>`` with
``rel=webmention``, resolved against the page's final URL) and the POST, retried on
temporary failures. Everything goes through ``federation.outbound``.
"""

import logging
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

from django.utils import timezone

from federation import outbound
from federation.models import SentWebmention
from jobs.compat import task
from jobs.retry import retrying
from posts.links import absolute_url
from posts.models import Post

logger = logging.getLogger(__name__)
MAX_LINKS = 100  # a post linking to more is told about its first hundred
LINK_VALUE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]*)*)")
REL_PARAM = re.compile(r';\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]*))', re.IGNORECASE)


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())


def links_of(post):
    """The pages on other sites that ``post``'s text links to, in order, without fragments."""
    parser = _Anchors()
    parser.feed(post.body_html)
    base = absolute_url(post.get_absolute_url())
    own = urlsplit(base).netloc.lower()
    links = []
    for href in parser.hrefs:
        url = urldefrag(urljoin(base, href)).url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc and parts.netloc.lower() != own:
            links.append(url)
    return list(dict.fromkeys(links))[:MAX_LINKS]


class _Endpoint(HTMLParser):
    """The first ``<link>`` or ``<a>`` whose rel has the ``webmention`` token."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.href = None

    def handle_starttag(self, tag, attrs):
        if self.href is not None or tag not in ("link", "a"):
            return
        attrs = dict(attrs)
        if "webmention" in (attrs.get("rel") or "").lower().split() and "href" in attrs:
            self.href = attrs["href"] or ""

    handle_startendtag = handle_starttag


def endpoint_in_link_header(value):
    for match in LINK_VALUE.finditer(value or ""):
        for rel in REL_PARAM.finditer(match.group(2)):
            if "webmention" in (rel.group(1) or rel.group(2) or "").lower().split():
                return match.group(1).strip()
    return None


def discover_endpoint(target):
    """The target's Webmention endpoint (an absolute URL), or "" when it has none."""
    response = outbound.unless_temporary(
        outbound.get(target, headers={"Accept": "text/html"}, raise_for_status=False)
    )
    if response.status >= 400:
        return ""  # a page that is gone or refuses us takes no Webmention
    href = endpoint_in_link_header(response.headers.get("link"))
    if href is None and response.content_type in ("text/html", "application/xhtml+xml"):
        parser = _Endpoint()
        parser.feed(response.text)
        href = parser.href
    if href is None:
        return ""
    endpoint = urljoin(response.url, href)  # "" is the page itself
    return endpoint if urlsplit(endpoint).scheme in ("http", "https") else ""


def tell(source, target):
    """Tell ``target``'s endpoint (if it has one) that ``source`` links to it, or no longer
    does: ``(endpoint, status)``, ``("", None)`` when it has none. Raises ``OutboundError``
    (temporary for answers worth waiting out)."""
    endpoint = discover_endpoint(target)
    if not endpoint:
        return "", None
    response = outbound.post(
        endpoint,
        urlencode({"source": source, "target": target}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        raise_for_status=False,
    )
    return endpoint, outbound.unless_temporary(response).status


@task()
@retrying
def send_webmention(post_id, target):
    """Tell ``target`` that our post links to it (or no longer does, or is gone); record the
    answer."""
    record = SentWebmention.objects.filter(post_id=post_id, target=target).first()
    post = Post.objects.filter(pk=post_id).first()
    if record is None or post is None:
        return
    source = absolute_url(post.get_absolute_url())
    try:
        endpoint, record.status = tell(source, target)
    except outbound.OutboundError as error:
        record.status, record.error = error.status, str(error)[:500]
        record.save(update_fields=["status", "error"])
        if error.temporary:
            raise  # jobs.retry: again later
        return  # refused for good (a private address, too large): recorded, not retried
    record.endpoint, record.error = endpoint, ""
    record.sent_at = timezone.now() if endpoint and record.status < 300 else None
    record.save(update_fields=["endpoint", "status", "error", "sent_at"])


@task()
@retrying
def send_gone_webmention(source, target):
    """Tell ``target`` that ``source``, a post since deleted, is gone (its records went with
    it, so nothing is recorded; a refusal for good is logged)."""
    try:
        endpoint, status = tell(source, target)
    except outbound.OutboundError as error:
        if error.temporary:
            raise
        logger.info("Webmention of deleted %s to %s refused: %s", source, target, error)
        return None
    return status


def told_targets(post):
    """The links of ``post`` whose endpoints took our Webmention and still think we link."""
    return list(
        SentWebmention.objects.filter(post=post, linked=True, sent_at__isnull=False)
        .order_by("pk")
        .values_list("target", flat=True)
    )


@task()
def send_unpublished_webmentions(post_id):
    """The post is hidden now (unpublished, or moved back into the future): each page that
    took its Webmention is told again, so that it reads our URL, finds it gone (404) and
    removes the mention. Nothing when the post is visible again by then."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or post.is_public:
        return []
    targets = told_targets(post)
    for target in targets:
        send_webmention.enqueue(post.pk, target)
    return targets


@task()
def send_webmentions(post_id):
    """Queue a ``send_webmention`` for each link the post has, and for each it lost."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.is_public:
        return []
    links = links_of(post)
    known = {r.target: r for r in SentWebmention.objects.filter(post=post)}
    to_tell = []
    for target in links:
        record = known.get(target)
        if record is None:
            SentWebmention.objects.create(post=post, target=target)
        elif not record.linked:
            record.linked = True
            record.save(update_fields=["linked"])
        to_tell.append(target)
    for target, record in known.items():
        if record.linked and target not in links:
            record.linked = False  # told once that the link is gone
            record.save(update_fields=["linked"])
            to_tell.append(target)
    for target in to_tell:
        send_webmention.enqueue(post.pk, target)
    return to_tell
