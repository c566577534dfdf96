"""What serving in production refuses (wsgi.py and asgi.py call ``refuse_unsafe_production``)
and what ``check --deploy`` reports about it."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

LOOPBACK_SITE_URL = (
    "SITE_URL is {url}, a loopback address, while DEBUG=0 and HTTPS=1: every link in mail, "
    "feeds and the sitemap would point at the server's own machine. Set SITE_URL to the "
    "site's public origin (https://blog.example.com); loopback load tests run with HTTPS=0."
)


def is_loopback(url):
    """Does ``url``'s host name this machine (127.0.0.0/8, ::1, localhost, *.localhost)?"""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_site_url():
    """The refusal's text when production would serve with a loopback SITE_URL, else None."""
    if not settings.DEBUG and settings.HTTPS and is_loopback(settings.SITE_URL):
        return LOOPBACK_SITE_URL.format(url=settings.SITE_URL)
    return None


def refuse_unsafe_production():
    """Refuse to serve with DEBUG off on the public development key or a loopback SITE_URL."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development key: set SECRET_KEY (or SECRET_KEY_FILE) "
            "before serving with DEBUG=0."
        )
    refusal = loopback_site_url()
    if refusal:
        raise ImproperlyConfigured(refusal)


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    refusal = loopback_site_url()
    return [checks.Warning(refusal, id="blogsite.W001")] if refusal else []
