"""The comments app's middleware: the submission token and captcha checks on comment POSTs,
and Blogger's comment links."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.redirects.models import Redirect
from django.core import signing
from django.shortcuts import redirect
from django.utils import timezone

from comments import challenge, tokens
from comments.models import Comment, posted_key
from comments.moderator import get_moderator
from comments.threads import comment_url, landing_url, notice_tags, parse_id
from posts.models import Page, Post
from posts.oldurls import canonical_path

NOT_CHECKED = "The picture could not be checked. Please try again."
FORM_NOT_SENDABLE = (
    "This form could not be sent as it was. Please check your comment and send it again."
)
ALREADY_RECEIVED = "We had already received this comment: it was not sent twice."


@dataclass(frozen=True)
class Gate:
    """What the checks before the form found: the submission token's key (``None`` unless
    the token is good) and the error to show beside the visitor's kept text, if any."""

    key: str | None
    error: str | None = None


class CaptchaMiddleware:
    """Checks a comment POST before the view validates the form: first its one-time
    submission token (a token already used answers with the comment made with it, and nothing
    else runs), then the captcha. Leaves a ``Gate`` on the request (``request.comment_gate``)
    so the view can show an error beside the visitor's kept text with a 400. Runs in
    ``process_view``, after the CSRF check, so a forged POST burns no challenge; it matches
    the resolved view, not the path, so it holds under any ``SCRIPT_NAME`` prefix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match  # the view the URL resolved to, whatever the prefix
        if request.method == "POST" and match is not None and match.view_name == "comments:post":
            return check(request)
        return None


def check(request):
    """Check the token, then the captcha; return the answer to a resend, else ``None``."""
    if request.POST.get("preview"):
        return None  # a preview sends nothing: the token and the challenge stay unused
    value = request.POST.get("submission", "")
    try:
        key = tokens.submission_key(value, posted_key(request.POST))
    except signing.BadSignature:
        request.comment_gate = Gate(None, FORM_NOT_SENDABLE)
        return None
    first = Comment.objects.filter(submission_key=key).select_related("post").first()
    if first is not None:
        return already_received(request, first)
    if tokens.submission_expired(value):
        request.comment_gate = Gate(None, FORM_NOT_SENDABLE)
        return None
    error = challenge.check(request.POST) if get_moderator().needs_captcha(request) else None
    request.comment_gate = Gate(key if error is None else None, error)
    return None


def already_received(request, comment):
    """The answer to a form sent again (a resend after a lost response, a double click): the
    first comment's landing page, as its own answer was; nothing is created."""
    messages.info(request, ALREADY_RECEIVED, extra_tags=notice_tags(comment))
    response = redirect(landing_url(comment))
    tokens.remember_mine(request, response, comment)
    if timezone.now() - comment.created_at < timedelta(seconds=tokens.EDIT_SECONDS):
        tokens.grant_edit(request, response, comment.pk)  # as the lost answer would have
    return response


def comment_gate(request):
    """The middleware's verdict; fails closed if the middleware did not run."""
    return getattr(request, "comment_gate", None) or Gate(None, NOT_CHECKED)


BLOGGER_POST_PATH = re.compile(r"^/[0-9]{4}/[0-9]{2}/(?P<slug>[^/]+?)(?:\.html|/)$")
BLOGGER_PAGE_PATH = re.compile(r"^/p/(?P<slug>[^/]+?)(?:\.html|/)$")


class BloggerCommentLinkMiddleware:
    """Blogger's comment links, ``/2014/03/slug.html?showComment=<ms>`` on posts and
    ``/p/slug.html?showComment=<ms>`` on pages: the number is when the comment was written
    (the importers keep that time), so they land on the comment. A post or page imported under
    another slug is found through its old URL's redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        millis = parse_id(request.GET.get("showComment", ""))
        if request.method == "GET" and millis:
            comment = blogger_comment_at(request.path_info, millis)  # without SCRIPT_NAME
            if comment is not None:
                return redirect(comment_url(comment), permanent=True)
        return self.get_response(request)


def blogger_comment_at(path, millis):
    """The visible comment written at ``millis`` on the post or page at ``path`` (an old
    Blogger path, or ours), or ``None``."""
    comment = _comment_at(path, millis)
    if comment is None and (new_path := redirected(path)):
        comment = _comment_at(new_path, millis)
    return comment


def _comment_at(path, millis):
    if match := BLOGGER_POST_PATH.match(path):
        return blogger_comment(match["slug"], millis)
    if match := BLOGGER_PAGE_PATH.match(path):
        return blogger_comment(match["slug"], millis, on_page=True)
    return None


def redirected(path):
    """Where the site's redirect for the old ``path`` leads (its path), or ``""``."""
    new = (
        Redirect.objects.filter(
            site_id=settings.SITE_ID, old_path=canonical_path(path, decoded=True)
        )
        .values_list("new_path", flat=True)
        .first()
    )
    return new if new and new.startswith("/") else ""


def blogger_comment(slug, millis, *, on_page=False):
    """The visible comment of the post (or page) ``slug`` written at ``millis`` (to the
    second)."""
    try:
        written = datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    window = (written - timedelta(seconds=1), written + timedelta(seconds=1))
    if on_page:
        where = {"page__slug": slug, "page__in": Page.objects.published()}
    else:
        where = {"post__slug": slug, "post__in": Post.objects.published()}
    return (
        Comment.objects.visible()
        .filter(created_at__range=window, **where)
        .select_related("post", "page")
        .first()
    )
