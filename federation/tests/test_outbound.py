"""Outbound requests: a stranger's URL cannot make the site reach its own network, hang it, or
fill its memory."""

import http.server
import threading

import pytest

from federation import outbound
from jobs.retry import is_temporary


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        routes = {
            "/ok": (200, {"Content-Type": "text/html; charset=utf-8"}, "héllo".encode()),
            "/big": (200, {}, b"x" * 5000),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/to-ok": (301, {"Location": "/ok"}, b""),
            "/down": (503, {}, b""),
            "/gone": (410, {}, b""),
            "/json": (200, {"Content-Type": "application/json"}, b'{"a": 1}'),
        }
        status, headers, body = routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        self.send_response(302)
        self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def allow_private(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True


def test_loopback_private_and_link_local_addresses_are_refused(server, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    for url in [
        server + "/ok",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ]:
        with pytest.raises(outbound.OutboundError, match="non-public") as caught:
            outbound.get(url)
        assert not caught.value.temporary, url


def test_only_http_urls_without_credentials(allow_private, server):
    for url in ["file:///etc/passwd", "gopher://example.com/", "ftp://x/", "http://u:p@127.0.0.1/"]:
        with pytest.raises(outbound.OutboundError):
            outbound.get(url)


def test_a_public_answer_is_read_with_its_charset(allow_private, server):
    response = outbound.get(server + "/ok")
    assert response.status == 200
    assert response.text == "héllo"
    assert response.content_type == "text/html"
    assert outbound.get(server + "/json").json() == {"a": 1}


def test_size_cap(allow_private, server):
    with pytest.raises(outbound.OutboundError, match="larger than 1000 bytes"):
        outbound.get(server + "/big", max_bytes=1000)
    assert len(outbound.get(server + "/big", max_bytes=5000).body) == 5000


def test_redirects_are_followed_a_few_times_for_get_only(allow_private, server):
    response = outbound.get(server + "/to-ok")
    assert (response.status, response.url) == (200, server + "/ok")
    with pytest.raises(outbound.OutboundError, match="more than 3 redirects"):
        outbound.get(server + "/loop")
    # a POST is not replayed somewhere else
    assert outbound.post(server + "/anything", b"x").status == 302


def test_a_redirect_to_a_private_address_is_refused(server, settings, monkeypatch):
    """The first hop is checked and so is every later one."""
    settings.OUTBOUND_ALLOW_PRIVATE = False
    real_resolve = outbound.resolve
    first = []

    def resolve(host, port):
        if not first:  # let the first hop through, as if it were public
            first.append(host)
            settings.OUTBOUND_ALLOW_PRIVATE = True
            try:
                return real_resolve(host, port)
            finally:
                settings.OUTBOUND_ALLOW_PRIVATE = False
        return real_resolve(host, port)

    monkeypatch.setattr(outbound, "resolve", resolve)
    with pytest.raises(outbound.OutboundError, match="non-public"):
        outbound.get(server + "/to-ok")


def test_server_errors_are_temporary_client_errors_are_not(allow_private, server):
    with pytest.raises(outbound.OutboundError) as down:
        outbound.get(server + "/down")
    with pytest.raises(outbound.OutboundError) as gone:
        outbound.get(server + "/gone")
    assert (down.value.status, is_temporary(down.value)) == (503, True)
    assert (gone.value.status, is_temporary(gone.value)) == (410, False)
    assert outbound.get(server + "/gone", raise_for_status=False).status == 410


def test_a_refused_connection_is_temporary(allow_private):
    with pytest.raises(outbound.OutboundError) as caught:
        outbound.get("http://127.0.0.1:9/")  # the discard port: nothing listens
    assert is_temporary(caught.value)


@pytest.mark.parametrize(
    "status, temporary", [(500, True), (503, True), (408, True), (429, True), (404, False),
                          (410, False), (400, False), (200, False)],
)  # fmt: skip
def test_one_rule_says_which_answers_are_worth_waiting_out(status, temporary):
    response = outbound.Response(url="https://a.example/", status=status)
    assert outbound.temporary_status(status) is temporary
    if temporary:
        with pytest.raises(outbound.OutboundError) as raised:
            outbound.unless_temporary(response)
        assert raised.value.temporary and raised.value.status == status
    else:
        assert outbound.unless_temporary(response) is response
