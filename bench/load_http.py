"""HTTP plumbing shared by the comment benchmarks: the comment form's fields and a tiny
keep-alive client with its own cookie jar (stdlib only, one per thread).

A benchmark client must behave like a browser without JavaScript: GET the reply page (which
creates a real captcha challenge and sets the CSRF cookie), then POST the rendered form back.
"""

import http.client
import random
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

COMMENT_ID = re.compile(r"#c(\d+)$")
WORDS = [
    "garden", "winter", "bread", "patience", "library", "valley", "coffee", "river", "bridge",
    "lantern", "orchard", "harbour", "meadow", "thunder", "pencil", "journey", "kitchen",
    "window", "mountain", "village", "autumn", "spring", "station", "market", "letter", "candle",
    "forest", "island", "planet", "whistle", "compass", "ribbon",
]  # fmt: skip


class FormParser(HTMLParser):
    """Collects the ``<input>``/``<textarea>`` names and values of ``<form id="comment-form">``."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "comment-form":
            self.in_form = True
        elif self.in_form and tag in ("input", "textarea") and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "submit"):
                return
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def form_fields(html):
    parser = FormParser()
    parser.feed(html)
    return parser.fields


def comment_text(rnd):
    """A plausible, varied body, so the moderation app's near-duplicate check sees no flood."""
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(12, 40))).capitalize() + "."


def visitor_name(n):
    """The name comment ``n`` is signed with: unique per comment, so a benchmark can count
    what was stored (a held comment's redirect need not name its id)."""
    return f"Bench visitor {n}"


def fill_comment(fields, rnd, n, parent=None, notify=False):
    """The reply page's form, filled in as a visitor would (captcha in test mode)."""
    data = dict(fields)
    data.update(
        name=visitor_name(n),
        email=f"visitor{n}@example.net",
        url="",
        body=comment_text(rnd),
        homepage="",
        captcha_1="PASSED",
    )
    if parent is not None:
        data["parent"] = str(parent)
    if notify:
        data["notify"] = "on"
    return data


def comment_id(location):
    """The new comment's id from the 302's ``Location`` (``...#c<id>``), or None."""
    match = COMMENT_ID.search(location or "")
    return int(match.group(1)) if match else None


class Response:
    __slots__ = ("status", "headers", "body", "ms")

    def __init__(self, status, headers, body, ms):
        self.status, self.headers, self.body, self.ms = status, headers, body, ms

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """One visitor: a keep-alive connection and its cookies. Never follows redirects.

    Connection errors are returned as status 0 (the connection is opened again next time),
    so a load run counts them instead of dying.
    """

    def __init__(self, host, port, timeout=30):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None
        self.cookies = {}

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _store_cookies(self, headers):
        for name, value in headers:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                if "expires=Thu, 01 Jan 1970" in value or "Max-Age=0" in value:
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = val.strip()

    def request(self, method, path, data=None):
        headers = {"User-Agent": "blogsite-bench/1.0", "Host": f"{self.host}:{self.port}"}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}/"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # a keep-alive connection the server closed between requests: retry a GET
                # once; never a POST, which may have been received (it counts as status 0)
                self.close()
                if attempt == 2 or method != "GET":
                    return Response(0, [], b"", (time.perf_counter() - start) * 1000)
            except (OSError, http.client.HTTPException):
                self.close()
                return Response(0, [], b"", (time.perf_counter() - start) * 1000)
        ms = (time.perf_counter() - start) * 1000
        resp_headers = resp.getheaders()
        self._store_cookies(resp_headers)
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(resp.status, resp_headers, payload, ms)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        return self.request("POST", path, data)

    def post_comment(self, post_id, rnd, n, parent=None, notify=False):
        """GET the reply page, POST the form back: ``(reply_response, post_response, id)``.

        ``id`` is the comment id the 302 names (``#c<id>``), else None: a held comment's
        redirect may not name it, so count stored comments by ``visitor_name(n)`` instead.
        """
        page = self.get(f"/comments/reply/{post_id}/")
        if page.status != 200:
            return page, None, None
        data = fill_comment(form_fields(page.text), rnd, n, parent=parent, notify=notify)
        sent = self.post("/comments/post/", data)
        location = dict((k.lower(), v) for k, v in sent.headers).get("location", "")
        new_id = comment_id(location) if sent.status == 302 else None
        return page, sent, new_id


def new_random(seed):
    return random.Random(seed)
