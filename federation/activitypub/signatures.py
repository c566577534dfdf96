"""HTTP Signatures as the fediverse uses them (draft-cavage-http-signatures-12, ``rsa-sha256``;
``hs2019`` read as the same with an RSA key), with the ``Digest`` header of the body.

We sign ``(request-target) host date digest`` (GET: without digest). We accept any signed set
of headers that covers ``(request-target)``, ``host``, ``date`` and, for a POST, ``digest``.
"""

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import keys

MAX_CLOCK_SKEW = timedelta(hours=12)
REQUIRED = ("(request-target)", "host", "date")
_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class SignatureError(Exception):
    """A request whose signature is missing, malformed, stale or wrong (answered 401)."""


def digest(body):
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(when=None):
    return format_datetime(when or datetime.now(UTC), usegmt=True)


def signing_string(names, method, target, headers):
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        else:
            value = headers.get(name)
            if value is None:
                raise SignatureError(f"signed header {name!r} is missing")
            lines.append(f"{name}: {value}")
    return "\n".join(lines).encode()


def sign_request(method, url, body, key_id, private_pem):
    """The headers that make a signed request of ``method`` to ``url`` with ``body``."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if parts.port is not None:
        host += f":{parts.port}"  # the Host header federation.outbound sends
    headers = {"host": host, "date": http_date()}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        headers["digest"] = digest(body)
        names.append("digest")
    signature = keys.load_private(private_pem).sign(
        signing_string(names, method, target, headers), padding.PKCS1v15(), hashes.SHA256()
    )
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return {name.title(): value for name, value in headers.items() if name != "host"}


def parse(header):
    """``{keyId, algorithm, headers, signature}`` of a ``Signature`` header."""
    params, position = {}, 0
    while position < len(header):
        match = _PARAM.match(header, position)
        if not match:
            raise SignatureError("malformed Signature header")
        params[match[1]] = match[2]
        position = match.end()
    if not params.get("keyId") or not params.get("signature"):
        raise SignatureError("Signature header without keyId or signature")
    return params


class SignedRequest:
    """An incoming request's signature, checked in two steps: ``check_envelope`` needs no key
    (coverage, date, digest), ``verify_with`` checks the signature against a public key."""

    def __init__(self, method, target, headers, body, now=None):
        self.method, self.target, self.body = method, target, body
        self.headers = {name.lower(): value for name, value in headers.items()}
        self.now = now or datetime.now(UTC)
        header = self.headers.get("signature")
        if not header:
            raise SignatureError("the request is not signed")
        self.params = parse(header)
        self.key_id = self.params["keyId"]
        self.names = self.params.get("headers", "date").lower().split()
        try:
            self.signature = base64.b64decode(self.params["signature"], validate=True)
        except ValueError:
            raise SignatureError("the signature is not base64") from None

    def check_envelope(self):
        algorithm = self.params.get("algorithm", "rsa-sha256").lower()
        if algorithm not in ("rsa-sha256", "hs2019"):
            raise SignatureError(f"unsupported signature algorithm {algorithm!r}")
        needed = REQUIRED + (("digest",) if self.method.upper() == "POST" else ())
        missing = [name for name in needed if name not in self.names]
        if missing:
            raise SignatureError(f"the signature does not cover {', '.join(missing)}")
        try:
            sent = parsedate_to_datetime(self.headers.get("date", ""))
        except (TypeError, ValueError):
            raise SignatureError("no valid Date header") from None
        if sent.tzinfo is None or abs(self.now - sent) > MAX_CLOCK_SKEW:
            raise SignatureError("the Date header is too far from now")
        if self.method.upper() == "POST":
            self.check_digest()

    def check_digest(self):
        expected = hashlib.sha256(self.body).digest()
        for part in self.headers.get("digest", "").split(","):
            algorithm, _, value = part.strip().partition("=")
            if algorithm.lower() == "sha-256":
                try:
                    if base64.b64decode(value, validate=True) == expected:
                        return
                except ValueError:
                    pass
                raise SignatureError("the Digest does not match the body")
        raise SignatureError("no SHA-256 Digest header")

    def verify_with(self, public_pem):
        """True if the signature was made by the key ``public_pem``."""
        try:
            key = keys.load_public(public_pem)
        except ValueError:
            return False
        if not isinstance(key, rsa.RSAPublicKey):
            return False
        text = signing_string(self.names, self.method, self.target, self.headers)
        try:
            key.verify(self.signature, text, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True
