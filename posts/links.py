"""Absolute links for what leaves the page (canonical URLs, link previews): one helper, so
that the origin they use is decided in one place."""

from urllib.parse import urlencode


def absolute_url(request, location):
    """``location`` (a path, or an absolute URL left as it is) on the site's origin."""
    return request.build_absolute_uri(location)


def canonical_path(request, keep=("page",)):
    """The request's path with only the query parameters that choose the content: a list's
    ``?page=N`` (not ``page=1``), never tracking or comment-page parameters."""
    params = [(k, v) for k, v in request.GET.items() if k in keep and v and v != "1"]
    return request.path + ("?" + urlencode(params) if params else "")
