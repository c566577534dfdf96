"""Values kept in the cache for speed only: a cache outage costs the work, never the page."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def get_or_compute(key, compute, timeout, what):
    """``cache.get(key)``, else ``compute()`` stored for ``timeout`` seconds. An outage is one
    log line naming ``what`` (no traceback: an outage would flood the log), and the value is
    computed."""
    try:
        value = cache.get(key)
    except Exception as error:
        logger.warning("%s cache unavailable (get): %r", what, error)
        value = None
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout)
        except Exception as error:
            logger.warning("%s cache unavailable (set): %r", what, error)
    return value
