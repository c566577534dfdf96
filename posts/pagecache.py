"""Whole reader pages for anonymous readers, at about the cost of a static file.

``PageCacheMiddleware`` sits in ``MIDDLEWARE`` after the security, health and static-file
middleware and before the session: a hit costs one small query (the version, below), one
cache round trip and no template, session, CSRF or auth work. The page is stored under a key
made from its path, the query parameters that change it and the versions it was rendered
from, all read from the database (``SiteVersion``, and a post's or page's own
``comments_changed_at`` for its page), so a change made by any process is seen by every
process on its next request, whatever its cache, and nothing stale is served: an old entry is
simply never asked for again (it expires after ``ENTRY_SECONDS``).

Only pages that hold nothing of one visitor's are stored: the comment form's CSRF token,
render stamp and submission token come from the start endpoint when a visitor starts writing
(``comments.views.start``, ``static/js/comments.js``); no page has an inline script (no CSP
nonce). Requests that may see something of their own bypass the cache and are answered
``private, no-store``: a session (staff), a flash message, the comment cookies (held
comments, the edit window, the remembered name, the trusted-commenter cookie). Only GET and
HEAD, only 200s with no cookie set are stored.

The entry holds the plain body and, beside it, each compressed body (gzip, and with the
``brotli`` package Brotli) that a request has accepted, each compressed once: the request that
fills the entry compresses only the encoding it accepts (compressing both was 40% of a cold
1,000-comment page), and the first request for another one compresses the stored plain body
and adds it to the entry. ETags come from the key (never from the body), so ``If-None-Match``
is answered 304 after the version query alone.
"""

import functools
import gzip
import hashlib
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import http_date, parse_etags, parse_http_date_safe

logger = logging.getLogger(__name__)

try:  # optional: gzip alone without it
    import brotli
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

FORMAT = 1  # bump when what an entry holds (or the pages' markup, wholesale) changes
ENTRY_SECONDS = 3600  # bounds what depends on the clock alone (comments closing after N days)
READER_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"
PERSONAL_CACHE_CONTROL = "private, no-store"
GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # 11 takes about a second a megabyte; 5 is near gzip's speed, smaller
VARY = ("Accept-Encoding", "Cookie")
# Headers the middleware sets itself on every answer, never taken from the stored response.
OWN_HEADERS = {
    "content-length", "content-encoding", "set-cookie", "etag", "last-modified",
    "cache-control", "expires", "vary",
}  # fmt: skip

# url name -> (what the page is keyed by, the query parameters that are part of the page).
# "site": the lists (site-wide content and comment versions); "post"/"page": one post or
# page (the content version and its own comment version). Any other parameter bypasses.
ROUTES = {
    "posts:index": ("site", ("page",)),
    "posts:year": ("site", ("page",)),
    "posts:month": ("site", ("page",)),
    "posts:tag": ("site", ("page",)),
    "posts:feed": ("site", ()),
    "posts:feed-rss": ("site", ()),
    "posts:tag-feed": ("site", ()),
    "json-feed": ("site", ()),
    "comments-feed": ("site", ()),
    "comments-feed-rss": ("site", ()),
    "post-comments-feed": ("site", ()),
    "page-comments-feed": ("site", ()),
    "sitemap": ("site", ("p",)),
    "posts:detail": ("post", ("cpage",)),
    "posts:page": ("page", ("cpage",)),
}
MAX_NUMBER_DIGITS = 6  # ?page=, ?cpage=: a page number, as the views parse it


def enabled():
    return getattr(settings, "PAGE_CACHE", True)


@functools.cache  # every reader request asks; imported here: comments and moderation import posts
def _personal_cookies():
    from comments import tokens
    from moderation import trust

    return (
        settings.SESSION_COOKIE_NAME, "messages", tokens.MINE_COOKIE, tokens.EDIT_COOKIE,
        tokens.AUTHOR_COOKIE, trust.COOKIE,
    )  # fmt: skip


def personal(request):
    """Could this request see something of its own (staff, a message, a held comment)?"""
    cookies = request.COOKIES
    return bool(cookies) and any(name in cookies for name in _personal_cookies())


def route(request):
    """``(kind, slug, query)`` of a cacheable reader page, or None: an unknown path, a
    parameter that is not part of the page (``?showComment=``, ``?replyto=``, WordPress's
    ``?p=``: their views redirect or read it), a repeated one, or one that is no page number.
    ``query`` is the page's parameters in a fixed order."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    found = ROUTES.get(match.view_name)
    if found is None:
        return None
    kind, allowed = found
    query = ""
    if request.META.get("QUERY_STRING"):
        params = request.GET
        if any(name not in allowed or len(params.getlist(name)) > 1 for name in params):
            return None
        for name in allowed:
            value = params.get(name)
            if value is None:
                continue
            if not (value.isascii() and value.isdigit() and len(value) <= MAX_NUMBER_DIGITS):
                return None
            query += f"&{name}={int(value)}"
    if request.headers.get("Accept", "").find("+json") != -1 and kind == "post":
        return None  # ActivityPub's Article for the same URL (federation's middleware)
    return kind, match.kwargs.get("slug", ""), query


# --- versions ----------------------------------------------------------------------------------


def _table(name):
    return connection.ops.quote_name(name)


@functools.cache
def _singletons():
    """The one-row models every reader page shows, read with the version (``_sql``): the
    blog's settings and the moderation policy (comments open, captcha). Read fresh on each
    request, they need no cache and no version of their own, and a cold page asks nothing
    more for them. ``(model, joined alias)``, in the row's order."""
    from moderation.models import Policy
    from posts.models import BlogSettings

    return ((BlogSettings, "b"), (Policy, "p"))


def _sql(kind):
    """One small query on primary keys and unique slugs: what a page was rendered from, and
    the one-row models beside it (``_singletons``)."""
    version = _table("posts_siteversion")
    columns = ", ".join(
        f"{alias}.{_table(field.column)}"
        for model, alias in _singletons()
        for field in model._meta.concrete_fields
    )
    joins = " ".join(
        f"LEFT JOIN {_table(model._meta.db_table)} {alias} ON {alias}.id = 1"
        for model, alias in _singletons()
    )
    if kind == "site":
        return (
            f"SELECT s.content, s.content_at, s.comments, s.comments_at, "  # noqa: S608
            f"s.next_publish_at, {columns} FROM {version} s {joins} WHERE s.id = 1"
        )
    item = _table("posts_post" if kind == "post" else "posts_page")
    return (
        f"SELECT s.content, s.content_at, t.comments_changed_at, t.comments_changed_at, "  # noqa: S608
        f"s.next_publish_at, {columns} FROM {version} s LEFT JOIN {item} t ON t.slug = %s "
        f"{joins} WHERE s.id = 1"
    )


def _read(request, kind, slug=""):
    """The version row (``_sql``); the singletons it carries are kept on the request."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(kind), [] if kind == "site" else [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    request._pagecache_singletons = row[5:]  # made into instances only if asked (a hit: no)
    return row[:5]


def _instance(model, fields, values):
    """A model instance from its columns as the cursor gave them (the backend's converters
    applied, as a queryset would); unsaved defaults when the row is missing."""
    if values[0] is None:
        return model(pk=1)
    converted = []
    for field, value in zip(fields, values, strict=True):
        if value is not None:
            col = field.get_col(model._meta.db_table)
            for convert in connection.ops.get_db_converters(col) + col.get_db_converters(
                connection
            ):
                value = convert(value, col, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def singleton(request, model, read=True):
    """The row of ``model`` (one of ``_singletons``) as this request's version query read it;
    if it read none (a personal or uncached request), the query is made now, or with
    ``read=False`` None is returned."""
    if request is None:
        return None
    made = request.__dict__.setdefault("_pagecache_made", {})
    if model in made:
        return made[model]
    values = getattr(request, "_pagecache_singletons", None)
    if values is None and read and getattr(request, "content_version", None) is None:
        content_version(request)  # reads them too
        values = getattr(request, "_pagecache_singletons", None)
    if values is None:
        return None
    for one, _ in _singletons():
        fields = one._meta.concrete_fields
        if one is model:
            made[model] = _instance(model, fields, values[: len(fields)])
            return made[model]
        values = values[len(fields) :]
    raise LookupError(model)


def _when(value):
    """An aware datetime from the database cursor (SQLite's are naive, or text, in UTC)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class Version:
    """What one request's page is keyed by: ``key`` (the cache key), ``etag`` and
    ``last_modified`` (the newest change it depends on)."""

    def __init__(self, parts, last_modified):
        digest = hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()
        self.key = f"pagecache:{digest}"
        self.etag = f'W/"{digest}"'
        self.last_modified = last_modified


def version(request, kind, slug, query):
    """The page's ``Version``, or None when it cannot be cached (no version row, no such
    post or page: the view answers 404)."""
    row = _read(request, kind, slug)
    if row is None or row[2] is None:
        return None
    content, content_at, comments, comments_at, next_publish_at = row
    changed = [_when(content_at), _when(comments_at)]
    came = _due(next_publish_at)
    if came:
        changed.append(_when(came))
    request.content_version = _content_key(content, came)  # the sidebar's (content_version)
    parts = (
        str(FORMAT), settings.TIME_ZONE, kind, request.path, query,
        str(content), str(comments), str(came),
    )  # fmt: skip
    return Version(parts, max(changed))


def _due(next_publish_at):
    """A scheduled post appears on time with no job running: until publish_scheduled moves
    the version on, the newest scheduled time that has come is part of every key ("" if
    none has)."""
    next_publish_at = _when(next_publish_at)
    now = timezone.now()
    if next_publish_at is None or next_publish_at > now:
        return ""
    return _came(next_publish_at, now) or ""


def content_version(request):
    """What the blog's settings, menu, archive and labels are as of now (they do not change
    with comments): the version the page cache read for this request, else one query (the
    page cache's own, which brings the singletons too)."""
    found = getattr(request, "content_version", None)
    if found is None:
        row = _read(request, "site") or ("", None, None, None, None)
        found = request.content_version = _content_key(row[0], _due(row[4]))
    return found


def _content_key(content, came):
    return f"{content}-{int(_when(came).timestamp() * 1e6)}" if came else str(content)


def _came(since, now):
    post = _table("posts_post")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(published_at) FROM {post} WHERE status = %s "  # noqa: S608
            "AND published_at >= %s AND published_at <= %s",
            ["published", *map(connection.ops.adapt_datetimefield_value, (since, now))],
        )
        return cursor.fetchone()[0]


def content_changed():
    """Call after changing what reader pages show through ``QuerySet.update`` or raw rows (an
    import); saves and deletes of posts, pages, labels and the settings call it themselves."""
    from posts.models import SiteVersion

    SiteVersion.bump(content=True)


def comments_changed():
    """Any thread changed (``comments.models.touch_posts``): the lists' counts with it."""
    from posts.models import SiteVersion

    SiteVersion.bump(content=False, comments=True)


@receiver(post_save, dispatch_uid="posts.pagecache.saved")
@receiver(post_delete, dispatch_uid="posts.pagecache.deleted")
def _saved(sender, **kwargs):
    from django.contrib.auth import get_user_model
    from taggit.models import Tag

    from posts.models import BlogSettings, Page, Post, TaggedPost

    if sender is get_user_model():  # an author's name on their posts (not a login)
        fields = kwargs.get("update_fields")
        if fields is not None and not {"first_name", "last_name", "username"} & set(fields):
            return
    elif sender not in (Post, Page, BlogSettings, TaggedPost) and not issubclass(sender, Tag):
        return
    content_changed()


@receiver(m2m_changed, dispatch_uid="posts.pagecache.tags")
def _tags_changed(sender, **kwargs):
    from posts.models import TaggedPost

    if sender is TaggedPost and kwargs.get("action", "").startswith("post_"):
        content_changed()


# --- conditional requests ------------------------------------------------------------------------


def _last_modified_header(when):
    """``Last-Modified`` in whole seconds, rounded up, and only once that second is over: a
    second change within the same second then cannot hide behind a 304."""
    seconds = math.ceil(when.timestamp())
    return seconds if timezone.now().timestamp() >= seconds else None


def not_modified(request, current):
    """Does the visitor hold this very version (``If-None-Match``, else ``If-Modified-Since``)?"""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        tag = current.etag.removeprefix("W/")
        return any(t.removeprefix("W/") == tag for t in parse_etags(if_none_match))
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    seconds = _last_modified_header(current.last_modified)
    return since is not None and seconds is not None and seconds <= since


def _reader_headers(response, current):
    response["ETag"] = current.etag
    seconds = _last_modified_header(current.last_modified)
    if seconds is not None:
        response["Last-Modified"] = http_date(seconds)
    response["Cache-Control"] = READER_CACHE_CONTROL


# --- the stored entry ----------------------------------------------------------------------------


def _encoding(request):
    """The best encoding of the entry this request accepts: "br", "gzip" or "id"."""
    header = request.headers.get("Accept-Encoding", "")
    if not header:
        return "id"
    accepted = {}
    for part in header.lower().split(","):
        name, _, params = part.partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        accepted[name.strip()] = q
    anything = accepted.get("*", 0)
    if brotli is not None and accepted.get("br", anything) > 0:
        return "br"
    if accepted.get("gzip", anything) > 0:
        return "gzip"
    return "id"


def storable(request, response):
    """May this answer be shared with every anonymous reader?"""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "")
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    if getattr(request, "_csp_nonce", None) is not None:  # a nonce is per response
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= {"cookie", "accept-encoding", "accept"}


def compress(body, encoding):
    """``body`` in ``encoding`` ("gzip" or "br")."""
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def entry(response, encoding):
    """``{part: bytes}``: the headers (``m``, JSON), the plain body and, unless it is "id",
    the body in ``encoding`` (the one the filling request accepts)."""
    body = response.content
    headers = [(k, v) for k, v in response.items() if k.lower() not in OWN_HEADERS]
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    for name in VARY:
        if name.lower() not in {v.lower() for v in vary}:
            vary.append(name)
    headers.append(("Vary", ", ".join(vary)))
    parts = {
        "m": json.dumps({"status": response.status_code, "headers": headers}).encode(),
        "id": body,
    }
    if encoding != "id":
        parts[encoding] = compress(body, encoding)
    return parts


def answer(request, current, meta, body, encoding):
    """The response for an entry's headers and one of its bodies."""
    response = HttpResponse(b"" if request.method == "HEAD" else body, status=meta["status"])
    for name, value in meta["headers"]:
        response[name] = value
    if encoding != "id":
        response["Content-Encoding"] = encoding
    response["Content-Length"] = str(len(body))
    _reader_headers(response, current)
    return response


class _DjangoStore:
    """Any Django cache: one ``get_many`` for the headers and the body wanted."""

    def __init__(self, backend):
        self.backend = backend

    def get(self, key, encoding):
        found = self.backend.get_many([f"{key}:m", f"{key}:{encoding}"])
        return found.get(f"{key}:m"), found.get(f"{key}:{encoding}")

    def set(self, key, parts):
        self.backend.set_many({f"{key}:{p}": v for p, v in parts.items()}, ENTRY_SECONDS)


class _LocalTier:
    """The last pages served, kept in this process in front of Redis, at most ``limit``
    bytes (the oldest used dropped first). Keyed by the versioned key, whose entry never
    changes (a change makes a new key, read from the database on every request), so a
    change is still seen at once by every process; an entry is dropped after
    ``ENTRY_SECONDS``, as Redis drops it. A hit costs no round trip and no copy of the body."""

    def __init__(self, limit):
        self.limit = limit
        self.size = 0
        self.items = OrderedDict()
        self.lock = threading.Lock()  # gthread workers share a process

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > ENTRY_SECONDS:
                self._drop(key)
                return None
            self.items.move_to_end(key)
            return found[1], found[2]

    def put(self, key, meta, body):
        size = len(meta) + len(body)
        if size > self.limit // 4:  # a few pages, not one huge one
            return
        with self.lock:
            self._drop(key)
            self.items[key] = (time.monotonic(), meta, body)
            self.size += size
            while self.size > self.limit:
                self._drop(next(iter(self.items)))

    def _drop(self, key):
        found = self.items.pop(key, None)
        if found is not None:
            self.size -= len(found[1]) + len(found[2])


@functools.cache
def _local_tier():
    """This process's tier (``PAGE_CACHE_LOCAL_BYTES``, 0: none: every hit asks Redis)."""
    limit = getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 0)
    return _LocalTier(limit) if limit > 0 else None


class _RedisStore:
    """Django's ``RedisCache``, through its own pooled client but with the raw bytes: one
    ``MGET`` for a hit, one pipeline for a fill, nothing pickled or copied on the way; in
    front of it this process's ``_LocalTier``."""

    def __init__(self, backend):
        self.backend = backend
        self.tier = _local_tier()

    def _client(self, write):
        """The backend's pooled client, made once: redis-py builds a client in about 140 us,
        more than the round trip (Django's own ``get`` builds one on every call)."""
        clients = self.backend.__dict__.setdefault("_pagecache_clients", {})
        if write not in clients:
            clients[write] = self.backend._cache.get_client(None, write=write)
        return clients[write]

    def _key(self, key, part):
        return self.backend.make_and_validate_key(f"{key}:{part}")

    def get(self, key, encoding):
        local = f"{key}:{encoding}"
        if self.tier is not None:
            found = self.tier.get(local)
            if found is not None:
                return found
        meta, body = self._client(False).mget([self._key(key, "m"), self._key(key, encoding)])
        if self.tier is not None and meta is not None and body is not None:
            self.tier.put(local, meta, body)
        return meta, body

    def set(self, key, parts):
        pipe = self._client(True).pipeline(transaction=False)
        for part, value in parts.items():
            pipe.set(self._key(key, part), value, ex=ENTRY_SECONDS)
        pipe.execute()


def store():
    backend = caches["default"]
    return _RedisStore(backend) if isinstance(backend, RedisCache) else _DjangoStore(backend)


def _lookup(current, encoding):
    try:
        meta, body = store().get(current.key, encoding)
        if meta is not None and body is None and encoding != "id":
            body = _add_encoding(current, encoding)
    except Exception as error:  # the cache is down: the page is rendered as if there were none
        _warn("get", error)
        return None
    if meta is None or body is None:
        return None
    return json.loads(meta), body


def _add_encoding(current, encoding):
    """An entry filled for another encoding: its plain body compressed, once, and stored
    beside it; ``None`` if the plain body has gone too."""
    _, plain = store().get(current.key, "id")
    if plain is None:
        return None
    body = compress(plain, encoding)
    _save(current, {encoding: body})  # a failed write costs the next request the same work
    return body


def _save(current, parts):
    try:
        store().set(current.key, parts)
    except Exception as error:
        _warn("set", error)


def _warn(what, error):
    logger.warning("page cache unavailable (%s): %r", what, error)


# --- the middleware ------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serves and fills the page cache (module docstring); off with ``PAGE_CACHE=0``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not enabled():
            return self.get_response(request)
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware would check it (400)
        found = route(request)
        if found is None:
            return self.get_response(request)
        if personal(request):
            response = self.get_response(request)
            response["Cache-Control"] = PERSONAL_CACHE_CONTROL
            return response
        current = version(request, *found)
        if current is None:
            return self.get_response(request)
        if not_modified(request, current):
            response = HttpResponseNotModified()
            _reader_headers(response, current)
            response["Vary"] = ", ".join(VARY)
            return response
        encoding = _encoding(request)
        hit = _lookup(current, encoding)
        if hit is not None:
            return answer(request, current, *hit, encoding)
        response = self.get_response(request)
        if not storable(request, response):
            return response
        parts = entry(response, encoding)
        _save(current, parts)
        return answer(request, current, json.loads(parts["m"]), parts[encoding], encoding)
