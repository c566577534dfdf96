"""The Webmention endpoint, and its advertisement on every post and page."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from blogsite.clientip import client_ip
from federation.webmention import Refused, receive
from posts.links import absolute_url

ADVERTISED_ON = {"posts:detail", "posts:page"}


def _plain(text, status):
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt  # other sites post here by design; the endpoint has its own limits
@require_POST
def webmention(request):
    """Take ``source`` and ``target`` (form-encoded); 202 once the cheap checks pass, the
    verification follows in a task."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > settings.WEBMENTION_MAX_BODY:
        return _plain("The request body is too large.", 413)
    try:
        receive(
            request.POST.get("source", "").strip(),
            request.POST.get("target", "").strip(),
            ip=client_ip(request),
            request_host=request.get_host(),
        )
    except Refused as refusal:
        response = _plain(str(refusal), refusal.status)
        if refusal.retry_after is not None:
            response["Retry-After"] = str(refusal.retry_after)
        return response
    return _plain("Accepted: the source will be checked for a link to the target.", 202)


class WebmentionLinkMiddleware:
    """``Link: <…/webmention/>; rel="webmention"`` on posts and pages (their templates carry
    the ``<link>``), so a sender finds the endpoint without reading the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match and match.view_name in ADVERTISED_ON and response.status_code == 200:
            endpoint = absolute_url(reverse("webmention"))
            link = f'<{endpoint}>; rel="webmention"'
            existing = response.get("Link")
            response["Link"] = f"{existing}, {link}" if existing else link
        return response
