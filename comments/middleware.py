"""The comments app's middleware: the captcha check on comment POSTs, and Blogger's comment links."""

import re
from datetime import UTC, datetime, timedelta

from django.shortcuts import redirect
from django.urls import reverse

from comments import challenge
from comments.models import Comment
from comments.moderator import get_moderator
from comments.threads import comment_url, parse_id
from posts.models import Post

NOT_CHECKED = "The picture could not be checked. Please try again."


class CaptchaMiddleware:
    """Leaves the result on the request (``request.comment_captcha_error``: ``None`` when
    passed or not needed) so the view can show it beside the visitor's kept text with a 400.
    Runs in ``process_view``, after the CSRF check, so a forged POST burns no challenge."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and request.path_info == reverse("comments:post"):
            error = None
            if get_moderator().needs_captcha(request):
                error = challenge.check(request.POST)
            request.comment_captcha_error = error
        return None


def captcha_error(request):
    """The middleware's verdict; fails closed if the middleware did not run."""
    if hasattr(request, "comment_captcha_error"):
        return request.comment_captcha_error
    return NOT_CHECKED if get_moderator().needs_captcha(request) else None


BLOGGER_POST_PATH = re.compile(r"^/[0-9]{4}/[0-9]{2}/(?P<slug>[^/]+?)(?:\.html|/)$")


class BloggerCommentLinkMiddleware:
    """Blogger's comment links, ``/2014/03/slug.html?showComment=<ms>``: the number is when
    the comment was written (import_blogger keeps that time), so they land on the comment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        millis = parse_id(request.GET.get("showComment", ""))
        match = BLOGGER_POST_PATH.match(request.path)
        if request.method == "GET" and millis and match:
            comment = blogger_comment(match["slug"], millis)
            if comment is not None:
                return redirect(comment_url(comment), permanent=True)
        return self.get_response(request)


def blogger_comment(slug, millis):
    """The visible comment of the post ``slug`` written at ``millis`` (to the second)."""
    try:
        written = datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    window = (written - timedelta(seconds=1), written + timedelta(seconds=1))
    return (
        Comment.objects.visible()
        .filter(post__slug=slug, post__in=Post.objects.published(), created_at__range=window)
        .select_related("post")
        .first()
    )
