"""A post's own URL answers ActivityStreams JSON (its ``Article``) to a client that asks for
it in ``Accept``, and the page to everyone else; ``Vary: Accept`` tells caches the two apart.
Done here so that ``posts`` knows nothing of federation; the page view and its caches are
untouched."""

from django.http import Http404
from django.utils.cache import patch_vary_headers

from posts.models import Post

from . import LD_JSON, enabled
from . import documents as docs
from .views import activity_response, wants_activity

POST_VIEW = "posts:detail"


class ArticleNegotiationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if enabled() and match is not None and match.view_name == POST_VIEW:
            patch_vary_headers(response, ["Accept"])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not (enabled() and match.view_name == POST_VIEW and wants_activity(request)):
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        post = (
            Post.objects.published()
            .prefetch_related("tags")
            .filter(slug=view_kwargs.get("slug"))
            .first()
        )
        if post is None:
            raise Http404("No such post.")
        if docs.post_id(post) != docs.absolute(request.path):
            return None  # the wrong year or month: the page view redirects
        content_type = LD_JSON if "ld+json" in request.headers.get("Accept", "") else None
        document = docs.article(post, counts=docs.reaction_counts(post))
        response = activity_response(
            document, **({"content_type": content_type} if content_type else {})
        )
        return response
