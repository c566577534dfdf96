"""Per-address comment rate limit, counted in the cache (Redis shares it between processes)."""

import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_ip(request):
    """The address that connected to us (a proxy must set REMOTE_ADDR, e.g. gunicorn's
    ``--forwarded-allow-ips``): ``X-Forwarded-For`` alone is trivially forged."""
    return request.META.get("REMOTE_ADDR") or None


def allow(ip):
    """Count one comment from ``ip``; False once ``COMMENT_RATE_LIMIT`` is exceeded.

    A fixed window per address. If the cache fails, the limit is skipped (logged): a broken
    cache must not stop people commenting.
    """
    count, seconds = settings.COMMENT_RATE_LIMIT
    if not count or not ip:
        return True
    window = int(time.time() // seconds)
    key = f"comments:rate:{ip}:{window}"
    try:
        cache.add(key, 0, timeout=seconds + 1)
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        return True
    except Exception as error:  # one line, no traceback: a cache outage floods logs
        logger.warning("comment rate limit skipped: the cache is unavailable: %r", error)
        return True
    return hits <= count
