"""The visitor's address, behind trusted reverse proxies or not.

``REMOTE_ADDR`` is the peer that connected to us. When that peer is one of
``settings.TRUSTED_PROXIES``, each trusted hop vouches for the address on its left in
``X-Forwarded-For``: walking from the right, the first address that is not a trusted proxy is
the client (the entries left of it were written by the client and prove nothing). Every app
that uses an address (rate limits, the login throttle, IP block rules, stored addresses) asks
``client_ip`` so that they all agree.
"""

import functools
import ipaddress

from django.conf import settings

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def parse_address(text):
    """An ``ip_address`` from one header entry (``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``,
    ``::1``), IPv4-mapped IPv6 turned into IPv4, no zone; ``None`` when it is no address."""
    text = (text or "").strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    if address.version == 6 and address.scope_id:  # fe80::1%eth0: no database column takes it
        return ipaddress.IPv6Address(text.partition("%")[0])
    return address


@functools.lru_cache(maxsize=8)
def _networks(values):
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def trusted_proxies():
    """``settings.TRUSTED_PROXIES`` as networks (read at call time, parsed once per value)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _within(address, networks):
    return any(address.version == n.version and address in n for n in networks)


def client_ip(request):
    """The client's address as a string, or ``None`` if the request has none."""
    remote = parse_address(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    proxies = trusted_proxies()
    if not proxies or not _within(remote, proxies):
        return str(remote)
    client = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for entry in reversed(hops):
        if not entry.strip():
            continue  # "a, , b" or a trailing comma: nothing was said there
        address = parse_address(entry)
        if address is None:
            break  # our own proxy wrote garbage: trust nothing left of it
        client = address
        if not _within(address, proxies):
            break
    return str(client)


def _mapped(network):
    """The IPv4 ``network`` as IPv4-mapped IPv6 (``::ffff:127.0.0.0/104``)."""
    return ipaddress.ip_network(f"::ffff:{network.network_address}/{96 + network.prefixlen}")


def protected_overlap(network):
    """Why no block rule may cover ``network`` (an ``ip_network``): it holds this server's
    own address (loopback) or a trusted proxy, so it would block every visitor. ``None``
    when it may be blocked."""
    protected = [(n, f"this server's own address ({n}, loopback)") for n in LOOPBACK]
    protected += [(n, f"the trusted proxy {n} (TRUSTED_PROXIES)") for n in trusted_proxies()]
    for candidate, what in protected:
        forms = (candidate, _mapped(candidate)) if candidate.version == 4 else (candidate,)
        if any(f.version == network.version and network.overlaps(f) for f in forms):
            return f"{network} covers {what}: blocking it would block every visitor"
    return None
