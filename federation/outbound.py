"""Outbound HTTP for the open web (Webmention sources and endpoints, ActivityPub actors and
inboxes), made safe to point at URLs that strangers choose.

Every request has a timeout and a size cap, follows at most a few redirects (GET and HEAD
only), and refuses addresses that are not public (private, loopback, link-local, multicast,
reserved) unless ``OUTBOUND_ALLOW_PRIVATE`` is on (tests only). The host is resolved once and
the connection is made to the address that was checked, so a name that resolves to a public
address for the check and to a private one for the connection (DNS rebinding) gets nowhere.
"""

import ipaddress
import json
import socket
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

USER_AGENT = "blogsite (+{site})"
TIMEOUT = urllib3.Timeout(connect=5, read=10)
MAX_BYTES = 1_000_000
MAX_REDIRECTS = 3


class OutboundError(Exception):
    """A request that could not be made or was answered with an error.

    ``temporary`` says whether trying again later may help (refused, timed out, 5xx, 429):
    ``jobs.retry`` reads it to decide between a retry and a failed job.
    """

    def __init__(self, message, *, temporary=False, status=None):
        super().__init__(message)
        self.temporary = temporary
        self.status = status


def temporary_status(status):
    """Whether an answer with ``status`` is worth waiting out (5xx, 408, 429): the one rule
    for every outbound caller (``request``, Webmention sending and verification)."""
    return status >= 500 or status in (408, 429)


def unless_temporary(response):
    """``response``, unless its status is temporary: then raise a temporary ``OutboundError``
    (``jobs.retry`` tries the task again later)."""
    if temporary_status(response.status):
        raise OutboundError(
            f"{response.url} answered {response.status}", temporary=True, status=response.status
        )
    return response


@dataclass
class Response:
    url: str  # the final URL, after redirects
    status: int
    headers: dict = field(default_factory=dict)  # lower-cased names
    body: bytes = b""

    @property
    def text(self):
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        return self.body.decode(charset, errors="replace")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise OutboundError(f"{self.url} did not answer JSON: {error}") from None

    @property
    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def is_public(address):
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host, port):
    """The addresses ``host`` resolves to, refused when any of them is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise OutboundError(f"cannot resolve {host}: {error}", temporary=True) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not getattr(settings, "OUTBOUND_ALLOW_PRIVATE", False):
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise OutboundError(f"{host} resolves to a non-public address ({refused[0]})")
    return addresses


def _pool(scheme, host, port, address):
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            timeout=TIMEOUT,
            retries=False,
            maxsize=1,
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=TIMEOUT, retries=False, maxsize=1)


def _once(method, url, headers, body, max_bytes):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundError(f"not an http(s) URL: {url!r}")
    if parts.username or parts.password:
        raise OutboundError("URLs with credentials are refused")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise OutboundError(f"bad port in {url!r}") from None
    host = parts.hostname
    address = resolve(host, port)[0]
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host and parts.port is None:
        host_header = f"[{host}]"
    headers = {
        "User-Agent": USER_AGENT.format(site=settings.SITE_URL),
        **headers,
        "Host": host_header,
    }
    pool = _pool(parts.scheme, host, port, address)
    try:
        raw = pool.urlopen(
            method,
            path,
            body=body,
            headers=headers,
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            declared = raw.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise OutboundError(f"{url} is larger than {max_bytes} bytes")
            chunks, size = [], 0
            for chunk in raw.stream(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise OutboundError(f"{url} is larger than {max_bytes} bytes")
                chunks.append(chunk)
        finally:
            raw.release_conn()
    except urllib3.exceptions.HTTPError as error:
        # refused, reset, timed out, a broken TLS handshake: perhaps better later
        raise OutboundError(f"{method} {url} failed: {error}", temporary=True) from None
    finally:
        pool.close()
    return Response(
        url=url,
        status=raw.status,
        # repeated headers (several Link headers) joined with commas, none lost
        headers={k.lower(): raw.headers[k] for k in raw.headers},
        body=b"".join(chunks),
    )


def request(
    method,
    url,
    *,
    headers=None,
    body=None,
    max_bytes=MAX_BYTES,
    max_redirects=MAX_REDIRECTS,
    raise_for_status=True,
):
    """Make one request; GET and HEAD follow up to ``max_redirects`` redirects, each target
    checked as the first was. With ``raise_for_status``, an answer of 400 or more raises
    ``OutboundError`` (temporary for 5xx, 408 and 429)."""
    headers = dict(headers or {})
    for _ in range(max_redirects + 1):
        response = _once(method, url, headers, body, max_bytes)
        location = response.headers.get("location")
        if method in ("GET", "HEAD") and response.status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            continue
        break
    else:
        raise OutboundError(f"more than {max_redirects} redirects from {url}")
    if raise_for_status and response.status >= 400:
        raise OutboundError(
            f"{method} {url} answered {response.status}",
            temporary=temporary_status(response.status),
            status=response.status,
        )
    return response


def get(url, **kwargs):
    return request("GET", url, **kwargs)


def post(url, body, **kwargs):
    return request("POST", url, body=body, **kwargs)
