"""Checks the captcha on comment POSTs for visitors the moderator says must solve one."""

from django.urls import reverse

from comments import challenge
from comments.moderator import get_moderator

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
