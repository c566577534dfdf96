"""ActivityPub: the blog as one fediverse actor (``/ap/actor``), followable as
``@<handle>@<host>``; posts go out as ``Article``s, replies come back as comments through the
same moderation as the web form's. Everything here is off unless ``settings.FEDERATION``."""

from urllib.parse import urlsplit

from django.conf import settings

from posts import links
from posts.links import absolute_url

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def enabled():
    return bool(getattr(settings, "FEDERATION", False))


def site_url():
    """The canonical origin every id is made from (settings.SITE_URL, no trailing slash)."""
    return settings.SITE_URL.rstrip("/")


def absolute(path):
    return absolute_url(path)


def site_host():
    """The host of the blog's handle: SITE_URL's host, with its port if it has one."""
    return links.site_host().lower()


def host_of(url):
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
