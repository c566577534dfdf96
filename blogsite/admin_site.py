"""The admin site, with its login throttled per address against password guessing."""

import logging
import time

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.cache import cache
from django.http import HttpResponse

logger = logging.getLogger(__name__)

LOGIN_FAILURES_ALLOWED = 10
LOGIN_WINDOW_SECONDS = 15 * 60


def _key(request):
    window = int(time.time() // LOGIN_WINDOW_SECONDS)
    return f"admin:login-failures:{request.META.get('REMOTE_ADDR')}:{window}"


def _failures(request):
    try:
        return cache.get(_key(request), 0)
    except Exception as error:  # one line, no traceback: a cache outage floods logs
        logger.warning("admin login throttle skipped: the cache is unavailable: %r", error)
        return 0


def _count_failure(request):
    try:
        cache.add(_key(request), 0, LOGIN_WINDOW_SECONDS + 1)
        cache.incr(_key(request))
    except Exception as error:  # one line, no traceback: a cache outage floods logs
        logger.warning("admin login throttle skipped: the cache is unavailable: %r", error)


class BlogAdminSite(admin.AdminSite):
    site_header = "blogsite administration"
    site_title = "blogsite admin"

    def login(self, request, extra_context=None):
        if request.method == "POST" and _failures(request) >= LOGIN_FAILURES_ALLOWED:
            response = HttpResponse(
                "Too many failed logins from your address. Try again in 15 minutes.",
                status=429,
                content_type="text/plain",
            )
            response["Retry-After"] = str(LOGIN_WINDOW_SECONDS)
            return response
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code != 302:
            _count_failure(request)
        return response


class BlogAdminConfig(AdminConfig):
    default_site = "blogsite.admin_site.BlogAdminSite"
