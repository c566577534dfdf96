"""Absolute links for what leaves the page (canonical URLs, link previews, mail, feeds, the
sitemap): one origin, ``SITE_URL``, decided here. Never the request's Host (a visitor chooses
that) nor the Sites framework's row, and the same outside any request (a task sending mail)."""

from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings


def absolute_url(location):
    """``location`` (a path, or an absolute URL left as it is) on the site's origin."""
    return urljoin(settings.SITE_URL + "/", location)


def site_host():
    """``SITE_URL``'s host with its port, if any: ``blog.example.com``."""
    return urlsplit(settings.SITE_URL).netloc


def site_scheme():
    """``https`` or ``http``, as ``SITE_URL`` says."""
    return urlsplit(settings.SITE_URL).scheme


def canonical_path(request, keep=("page",)):
    """The request's path with only the query parameters that choose the content: a list's
    ``?page=N`` (not ``page=1``), never tracking or comment-page parameters."""
    params = [(k, v) for k, v in request.GET.items() if k in keep and v and v != "1"]
    return request.path + ("?" + urlencode(params) if params else "")
