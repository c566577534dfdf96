"""Behind a reverse proxy every app sees the visitor's address, never the proxy's (issue 9)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from blogsite.clientip import client_ip
from blogsite.env import env_networks
from comments.models import Comment
from comments.tests.factories import form_fields, make_post
from moderation.models import BlockRule


def ip(settings, remote, forwarded=None, proxies=()):
    settings.TRUSTED_PROXIES = list(proxies)
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        # No trusted proxy: the header is anyone's to write, and ignored.
        ("203.0.113.5", "198.51.100.1", [], "203.0.113.5"),
        ("127.0.0.1", "198.51.100.1", [], "127.0.0.1"),
        # From an untrusted peer the header is ignored even when proxies are configured.
        ("203.0.113.5", "198.51.100.1", ["127.0.0.1"], "203.0.113.5"),
        # The proxy appends the client's address: the right-most entry is the client...
        ("127.0.0.1", "198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
        # ...and what the client wrote on the left proves nothing.
        ("127.0.0.1", "10.9.9.9, 1.1.1.1, 198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
        ("127.0.0.1", "127.0.0.1, 198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
        # Two trusted hops (a load balancer in 10.0.0.0/8, then the local proxy).
        ("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.7", ["127.0.0.1", "10.0.0.0/8"],
         "198.51.100.1"),
        # All trusted: the left-most.
        ("127.0.0.1", "10.0.0.8, 10.0.0.7", ["127.0.0.1", "10.0.0.0/8"], "10.0.0.8"),
        ("127.0.0.1", "", ["127.0.0.1"], "127.0.0.1"),
        ("127.0.0.1", None, ["127.0.0.1"], "127.0.0.1"),
        # Empty entries are skipped; garbage written by our own proxy ends the walk there.
        ("127.0.0.1", "198.51.100.1, ,", ["127.0.0.1"], "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1, unknown", ["127.0.0.1"], "127.0.0.1"),
        ("127.0.0.1", "198.51.100.1, 10.0.0.7, nonsense", ["127.0.0.1", "10.0.0.0/8"],
         "127.0.0.1"),
        ("127.0.0.1", "6.6.6.6, garbage, 10.0.0.7", ["127.0.0.1", "10.0.0.0/8"], "10.0.0.7"),
        # Ports, brackets, IPv6 and IPv4-mapped IPv6.
        ("127.0.0.1", "198.51.100.1:4711", ["127.0.0.1"], "198.51.100.1"),
        ("::1", "2001:DB8::0:1", ["::1"], "2001:db8::1"),
        ("::1", "6.6.6.6, [2001:db8::1]:443", ["::1"], "2001:db8::1"),
        ("::ffff:127.0.0.1", "198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
        ("127.0.0.1", "::ffff:198.51.100.1", ["127.0.0.1"], "198.51.100.1"),
        ("2001:db8::5", "198.51.100.1", ["2001:db8::/64"], "198.51.100.1"),
        ("::1", "fe80::1%eth0", ["::1"], "fe80::1"),
        ("fe80::2%eth0", "198.51.100.1", [], "fe80::2"),
    ],
)  # fmt: skip
def test_the_client_is_the_right_most_address_that_is_no_trusted_proxy(
    settings, remote, forwarded, proxies, expected
):
    assert ip(settings, remote, forwarded, proxies) == expected


def test_no_remote_address_is_no_address(settings):
    assert ip(settings, "", "198.51.100.1", ["127.0.0.1"]) is None


def test_the_setting_is_read_when_asked(settings):
    assert ip(settings, "127.0.0.1", "198.51.100.1", ["127.0.0.1"]) == "198.51.100.1"
    assert ip(settings, "127.0.0.1", "198.51.100.1", []) == "127.0.0.1"


def test_trusted_proxies_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert env_networks("TRUSTED_PROXIES") == []
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    assert env_networks("TRUSTED_PROXIES") == []
    monkeypatch.setenv("TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,::1,")
    assert env_networks("TRUSTED_PROXIES") == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1,localhost")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES: 'localhost' is no IP"):
        env_networks("TRUSTED_PROXIES")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/33")
    with pytest.raises(ImproperlyConfigured, match="10.0.0.0/33"):
        env_networks("TRUSTED_PROXIES")


@pytest.fixture
def five_a_minute(settings, blog, limiter_clock):
    settings.COMMENT_RATE_LIMIT = (5, 60)
    settings.COMMENT_MIN_SECONDS = 0


def comment_from(post, client, n):
    data = form_fields(client, post, name=f"Visitor {n}", email=f"v{n}@example.org",
                       body=f"Thought number {n} on a different matter entirely.")  # fmt: skip
    return client.post("/comments/post/", data)


@pytest.mark.usefixtures("five_a_minute")
def test_behind_a_trusted_proxy_six_visitors_are_six_addresses(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    post = make_post()
    for n in range(1, 7):
        visitor = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"6.6.6.6, 198.51.100.{n}")
        assert comment_from(post, visitor, n).status_code == 302
    stored = sorted(Comment.objects.values_list("ip_address", flat=True))
    assert stored == [f"198.51.100.{n}" for n in range(1, 7)]


@pytest.mark.usefixtures("five_a_minute")
def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    post = make_post()
    answers = []
    for n in range(1, 7):
        visitor = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        answers.append(comment_from(post, visitor, n).status_code)
    assert answers == [302] * 5 + [429]
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@pytest.mark.usefixtures("five_a_minute")
def test_behind_a_trusted_proxy_an_ip_rule_blocks_the_visitor_not_everyone(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    BlockRule.objects.create(kind="ip", value="198.51.100.3", action="spam")
    post = make_post()
    for n in (3, 4):
        visitor = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert comment_from(post, visitor, n).status_code == 302
    statuses = dict(Comment.objects.values_list("ip_address", "status"))
    assert statuses["198.51.100.3"] == "spam"
    assert statuses["198.51.100.4"] != "spam"
