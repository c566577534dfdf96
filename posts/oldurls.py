"""Old URLs of an imported blog: the redirects an import recorded, and WordPress's URL shapes.

An old path is stored in one canonical form: percent-escapes decoded (UTF-8), runs of slashes
made one, the query string as it came. A request is looked up in that same form, so
``/greek/%CE%B5…``, ``/greek/%ce%b5…`` and the raw UTF-8 ``/greek/ε…`` all find the redirect an
export's ``//greek/%ce%b5…`` link became.
"""

import re
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify
from taggit.models import Tag

from posts.models import Post

SLASHES = re.compile(r"/{2,}")


def canonical_path(path, *, decoded=False):
    """The stored form of an old path (``path`` with its query string, if any)."""
    path, sep, query = path.partition("?")
    if not decoded:
        path = unquote(path)
    path = SLASHES.sub("/", path)
    return path + (sep + query if query else "")


def request_path(request, *, append_slash=False):
    """The canonical old path of a request (Django has already decoded ``request.path``)."""
    path = request.path + ("/" if append_slash else "")
    query = request.META.get("QUERY_STRING", "")
    return canonical_path(path + (f"?{query}" if query else ""), decoded=True)


def recorded_redirect(old_path):
    """The new path an import recorded for this canonical old path, if any."""
    return (
        Redirect.objects.filter(site_id=settings.SITE_ID, old_path=old_path)
        .exclude(new_path="")
        .values_list("new_path", flat=True)
        .first()
    )


class OldUrlRedirectMiddleware(RedirectFallbackMiddleware):
    """Django's redirect fallback, comparing paths in the canonical form (one query)."""

    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        paths = [request_path(request)]
        if settings.APPEND_SLASH and not request.path.endswith("/"):
            paths.append(request_path(request, append_slash=True))
        found = dict(
            Redirect.objects.filter(site_id=settings.SITE_ID, old_path__in=paths).values_list(
                "old_path", "new_path"
            )
        )
        for path in paths:
            if path in found:
                if found[path] == "":
                    return self.response_gone_class()
                return self.response_redirect_class(found[path])
        return response


# WordPress's own URL shapes, for links to an imported blog that no export lists.


def wordpress_category(request, path):
    """``/category/<slug>/`` (``/category/<parent>/<slug>/`` for a child): the tag."""
    if target := recorded_redirect(request_path(request)):
        return redirect(target, permanent=True)
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    if target := recorded_redirect(f"/category/{slug}/"):
        return redirect(target, permanent=True)
    tag = (
        Tag.objects.filter(slug=slug).first()
        or Tag.objects.filter(name__iexact=slug.replace("-", " ")).first()
    )
    if tag is None:
        raise Http404("No such category.")
    return redirect("posts:tag", slug=tag.slug, permanent=True)


def wordpress_author(request, name):
    """``/author/<login>/``: blogsite has no author pages; the blog's front page."""
    if not get_user_model().objects.filter(username__in=[name, slugify(name)]).exists():
        raise Http404("No such author.")
    return redirect("posts:index", permanent=True)


def wordpress_dated_post(request, year, month, day, slug):
    """``/<yyyy>/<mm>/<dd>/<slug>/``: the recorded redirect, else the post of that slug."""
    target = recorded_redirect(request_path(request))
    if target is None:
        target = get_object_or_404(Post.objects.published(), slug=slug).get_absolute_url()
    return redirect(target, permanent=True)
