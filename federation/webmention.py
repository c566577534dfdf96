"""Webmention in (W3C Recommendation): someone's page links to one of our posts or pages and
tells us.

``receive`` does what is cheap while the sender waits (URLs, target, limits) and queues the
mention; ``verify_webmention``, a task, fetches the source through ``federation.outbound``,
checks that it links to the target, reads its microformats2 (``mf2py``) and files a comment
through ``federation.intake``: a reply when the source's h-entry is ``in-reply-to`` the post,
else a mention. The verified link is the channel's evidence, recorded with the verdict; it is
a signal, never a bypass: the comment passes the moderation a web comment passes.
"""

import logging
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comments.models import Comment, on
from comments.ratelimit import hit, retry_after
from federation import outbound
from federation.intake import (
    NotATarget,
    RemoteComment,
    file_remote_comment,
    find_target,
    remove_remote_comments,
)
from federation.models import IncomingWebmention
from jobs.compat import task
from jobs.retry import retrying

logger = logging.getLogger(__name__)

EVIDENCE = "Webmention verified: source links to the post"
# a mention still queued after this long has given up its retries (jobs.retry: 24 hours)
QUEUED_FOR_AT_MOST = timedelta(hours=25)
MAX_HTML = 20_000  # of a source's content kept (the sanitiser mends a cut tag)
ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5"


QUEUE_RETRY_AFTER = 60  # seconds a sender is asked to wait when the queue is full


class Refused(Exception):
    """A Webmention the endpoint answers at once with ``status`` (400, 429) and ``message``;
    a 429 says in ``retry_after`` how many seconds to wait."""

    def __init__(self, status, message, retry_after=None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def _limited(scope, key, rate, message):
    """Count one Webmention against ``rate``; raise ``Refused`` (429, with the seconds left in
    the limiter's window) once over it."""
    if not hit(scope, key, rate):
        raise Refused(429, message, retry_after=retry_after(rate))


def site_hosts(request_host=""):
    """The host[:port] names our own URLs are on: SITE_URL's, and the request's."""
    hosts = {urlsplit(settings.SITE_URL).netloc.lower()}
    hosts.add(request_host.lower())
    return hosts - {""}


def is_http_url(url):
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def target_of(target, request_host=""):
    """``(post or page, parent comment)`` that ``target`` names on this site
    (``federation.intake.find_target``), or raise ``Refused`` (400)."""
    try:
        return find_target(target, site_hosts(request_host))
    except NotATarget as error:
        raise Refused(400, str(error)) from None


def receive(source, target, *, ip=None, request_host=""):
    """Check a Webmention and queue its verification; return the ``IncomingWebmention``.

    Raises ``Refused`` for what the sender should hear at once."""
    _limited(
        "webmention",
        ip,
        settings.WEBMENTION_RATE_LIMIT,
        "Too many Webmentions from this address; try again later.",
    )
    if not source or not target:
        raise Refused(400, "Both source and target are required.")
    if len(source) > 2000 or len(target) > 2000:
        raise Refused(400, "The source or the target is too long.")
    if not is_http_url(source) or not is_http_url(target):
        raise Refused(400, "The source and the target must be http or https URLs.")
    if source == target:
        raise Refused(400, "The source and the target must differ.")
    on_what, _ = target_of(target, request_host)
    if not on_what.allow_comments:
        raise Refused(400, "Comments on the target are closed.")
    _limited(
        "webmention-source",
        urlsplit(source).hostname,
        settings.WEBMENTION_SOURCE_RATE_LIMIT,
        "Too many Webmentions from this source's site; try again later.",
    )
    waiting = IncomingWebmention.objects.filter(
        state=IncomingWebmention.State.QUEUED,
        received_at__gt=timezone.now() - QUEUED_FOR_AT_MOST,
    )
    same = waiting.filter(source=source, target=target).first()
    if same is not None:
        return same  # its verification will read the source as it is by then
    if waiting.count() >= settings.WEBMENTION_MAX_QUEUED:
        raise Refused(429, "Too many Webmentions are waiting; try again later.", QUEUE_RETRY_AFTER)
    with transaction.atomic():
        mention = IncomingWebmention.objects.create(
            source=source, target=target, sender_ip=ip, **on(on_what)
        )
        transaction.on_commit(lambda: verify_webmention.enqueue(mention.pk))
    return mention


# --- verification ------------------------------------------------------------------------------


class _Links(HTMLParser):
    """Collects the values of the attributes that link (href, src...) in an HTML document."""

    ATTRIBUTES = {"href", "src", "cite", "data", "poster", "action"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.values.add(value.strip())


def links_to(response, target):
    """Whether the fetched source links to ``target``: an exact attribute value in HTML (as the
    spec asks), the URL itself in plain text."""
    if response.content_type in ("text/html", "application/xhtml+xml", ""):
        parser = _Links()
        parser.feed(response.text)
        return target in parser.values
    if response.content_type == "text/plain":
        return target in response.text
    return False


def _first(props, name):
    values = props.get(name) or []
    return values[0] if values else None


def _text(value):
    """The plain value of an mf2 property (a string, an embedded object, a photo with alt)."""
    if isinstance(value, dict):
        return str(value.get("value") or "")
    return str(value or "")


def _url(value):
    if isinstance(value, dict) and "properties" in value:
        value = _first(value["properties"], "url") or value.get("value")
    text = _text(value).strip()
    return text if is_http_url(text) else ""


def _entries(items):
    for item in items:
        if "h-entry" in item.get("type", []):
            yield item
        yield from _entries(item.get("children", []))


def _published(value):
    try:
        when = datetime.fromisoformat(_text(value).strip())
    except ValueError:
        return None
    if timezone.is_naive(when):
        when = when.replace(tzinfo=UTC)
    return min(when, timezone.now())  # a date to come is not believed


def read_entry(html, url, target):
    """What the source's microformats say about it: ``(kind, RemoteComment)``, the kind one of
    "reply", "mention", "like", "repost" (likes and reposts are counted, never comments)."""
    # Imported here: mf2py brings BeautifulSoup and its CSS selector parser (a tenth of a
    # second), which every process that loads the URLs (any command) paid for without using.
    import mf2py

    parsed = mf2py.parse(doc=html, url=url, html_parser="html5lib")
    items = parsed.get("items", [])
    entries = list(_entries(items))

    def names_target(entry, *keys):
        return any(_url(v) == target for k in keys for v in entry["properties"].get(k, []))

    # the entry that answers, likes or reposts the target, else the page's first
    entry = next(
        (e for e in entries if names_target(e, "in-reply-to", "like-of", "repost-of")),
        entries[0] if entries else None,
    )
    props = entry["properties"] if entry else {}
    if entry and names_target(entry, "in-reply-to"):
        kind = "reply"
    elif entry and names_target(entry, "like-of"):
        kind = "like"
    elif entry and names_target(entry, "repost-of"):
        kind = "repost"
    else:
        kind = "mention"

    author = _first(props, "author")
    if author is None:  # the page's own h-card
        author = next((i for i in items if "h-card" in i.get("type", [])), None)
    if isinstance(author, dict) and "properties" in author:
        card = author["properties"]
        name = _text(_first(card, "name"))
        author_url = _url(_first(card, "url"))
        photo = _url(_first(card, "photo"))
    else:
        name, author_url, photo = _text(author), "", ""
        if is_http_url(name):  # an author given as a URL only
            name, author_url = urlsplit(name).hostname, name

    content = _first(props, "content")
    if isinstance(content, dict):
        body = content.get("html") or _text(content)
    else:
        body = _text(content or _first(props, "summary") or _first(props, "name"))
    published = _published(_first(props, "published")) if props.get("published") else None
    remote = RemoteComment(
        channel=Comment.Channel.WEBMENTION,
        source_url=url,
        name=name or urlsplit(url).hostname,
        html=(body or f"<p>{urlsplit(url).hostname} links to this post.</p>")[:MAX_HTML],
        # a reply names its author's site; a mention, like a pingback, the page that links
        url=author_url if kind == "reply" else url,
        avatar_url=photo,
        published=published,
        kind=Comment.Kind.COMMENT if kind == "reply" else Comment.Kind.MENTION,
        note=EVIDENCE,
    )
    return kind, remote


def _finish(mention, state, detail, kind=""):
    mention.state, mention.detail = state, detail[:500]
    mention.kind = kind or mention.kind
    mention.verified_at = timezone.now()
    mention.save(update_fields=["state", "detail", "kind", "verified_at"])
    logger.info("Webmention %s -> %s: %s (%s)", mention.source, mention.target, state, detail)


def verify(mention):
    """Fetch the source and act on what it says now (see the module's docstring).

    A temporary failure (a timeout, a 5xx) raises, so that the task is tried again later."""
    State = IncomingWebmention.State
    on_what, source, target = mention.about, mention.source, mention.target
    try:
        response = outbound.get(source, headers={"Accept": ACCEPT}, raise_for_status=False)
    except outbound.OutboundError as error:
        if error.temporary:
            raise
        return _finish(mention, State.FAILED, str(error))
    if response.status == 410:
        removed = remove_remote_comments(source)
        return _finish(mention, State.REMOVED, f"the source is gone (410); {removed} removed")
    outbound.unless_temporary(response)
    if response.status >= 400 or not links_to(response, target):
        removed = remove_remote_comments(source, target=on_what, reason="no longer links here")
        why = f"answered {response.status}" if response.status >= 400 else "does not link"
        if removed:
            return _finish(mention, State.REMOVED, f"the source {why}; its comment removed")
        return _finish(mention, State.REJECTED, f"the source {why} to the target")
    html = response.text if response.content_type != "text/plain" else ""
    kind, remote = read_entry(html, source, target)
    if kind == "reply":
        try:
            # a reply to one of the comments (the target was found ours when it came)
            remote.parent = target_of(target, urlsplit(target).netloc)[1]
        except Refused:
            remote.parent = None  # that comment is gone meanwhile: a reply to the post
    if kind in ("like", "repost"):
        return _finish(mention, State.COUNTED, f"a {kind}: counted, not a comment", kind)
    comment = file_remote_comment(on_what, remote)
    return _finish(mention, State.FILED, f"comment {comment.pk} ({comment.status})", kind)


@task()
@retrying
def verify_webmention(mention_id):
    mention = (
        IncomingWebmention.objects.select_related("post", "page").filter(pk=mention_id).first()
    )
    if mention is None or mention.state != IncomingWebmention.State.QUEUED:
        return  # done already (a task run twice) or its post or page deleted
    verify(mention)
