"""Per-address rate limits, counted in the cache (Redis shares them between processes)."""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from blogsite.clientip import client_ip  # noqa: F401 (the one place addresses come from)

logger = logging.getLogger(__name__)


def allow(ip):
    """Count one comment from ``ip``; False once ``COMMENT_RATE_LIMIT`` is exceeded."""
    return hit("comments", ip, settings.COMMENT_RATE_LIMIT)


def allow_challenge(ip):
    """Count one new captcha challenge for ``ip``; False once ``CAPTCHA_RATE_LIMIT`` is
    exceeded (each challenge is a database row, and creating them is free for a bot)."""
    return hit("captcha", ip, settings.CAPTCHA_RATE_LIMIT)


def retry_after(rate):
    """Seconds until the current window of ``rate`` ends (for a 429's ``Retry-After``)."""
    seconds = rate[1]
    return seconds - int(time.time()) % seconds


def hit(scope, ip, rate, *, open_when_cache_down=True):
    """Count one ``scope`` event from ``ip`` (any key: an address, or a digest) against
    ``rate`` (``(count, seconds)``, count 0 for no limit); False once over it.

    A fixed window per key. If the cache fails the limit is skipped (logged): a broken cache
    must not stop people commenting. ``open_when_cache_down=False`` refuses instead, for what
    can wait (a password reset mail) rather than become a flood.
    """
    count, seconds = rate
    if not count or not ip:
        return True
    window = int(time.time() // seconds)
    key = f"{scope}:rate:{ip}:{window}"
    try:
        cache.add(key, 0, timeout=seconds + 1)
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        return True
    except Exception as error:  # one line, no traceback: a cache outage floods logs
        outcome = "skipped" if open_when_cache_down else "refused"
        logger.warning("%s rate limit %s: the cache is unavailable: %r", scope, outcome, error)
        return open_when_cache_down
    return hits <= count
