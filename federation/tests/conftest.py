import http.server
import threading

import pytest


class Site:
    """A small web site on loopback whose pages a test sets: ``site.page(path, body, ...)``."""

    def __init__(self, url):
        self.url = url
        self.routes = {}
        self.received = []  # (path, headers, form body) of each POST

    def page(self, path, body="", status=200, content_type="text/html; charset=utf-8", **headers):
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, body.encode())
        return self.url + path


class Handler(http.server.BaseHTTPRequestHandler):
    site = None

    def _answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            for one in value if isinstance(value, list) else [value]:
                self.send_header(name.replace("_", "-"), one)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._answer(*self.site.routes.get(self.path, (404, {}, b"")))

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.site.received.append((self.path, dict(self.headers), self.rfile.read(length)))
        self._answer(*self.site.routes.get("POST " + self.path, (202, {}, b"")))

    def log_message(self, *args):
        pass


@pytest.fixture
def site(settings):
    """A loopback web site, reachable because ``OUTBOUND_ALLOW_PRIVATE`` is on (tests only)."""
    settings.OUTBOUND_ALLOW_PRIVATE = True
    handler = type("SiteHandler", (Handler,), {})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.site = Site(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield handler.site
    httpd.shutdown()
    httpd.server_close()
