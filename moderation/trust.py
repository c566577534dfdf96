"""Recognising returning approved commenters without trusting what they type.

Anyone can type a known commenter's email, so an email never skips the captcha. Instead the
browser that sent a comment gets a signed cookie naming it (``TrustMiddleware``); once one of
those comments is approved, that browser may skip the captcha (if the policy allows).
"""

import contextvars

from django.conf import settings

from comments.models import Comment

COOKIE = "commenter_trust"
SALT = "moderation.trust"
MAX_AGE = 365 * 24 * 3600
MAX_IDS = 20

_posted = contextvars.ContextVar("moderation_posted_comments", default=None)


def begin_request():
    return _posted.set([])


def end_request(token):
    ids = _posted.get() or []
    _posted.reset(token)
    return ids


def note_posted(comment_id):
    """Called when a comment is created; the middleware puts it in the browser's cookie."""
    ids = _posted.get()
    if ids is not None:
        ids.append(comment_id)


def cookie_ids(request):
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
    return [int(part) for part in value.split(".") if part.isdigit()][:MAX_IDS]


def remember(request, response, new_ids):
    ids = list(dict.fromkeys([*reversed(new_ids), *cookie_ids(request)]))[:MAX_IDS]
    response.set_signed_cookie(
        COOKIE, ".".join(map(str, ids)), salt=SALT, max_age=MAX_AGE, httponly=True,
        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip


def is_trusted(request):
    """Has a comment sent from this browser been approved? (One query, once per request.)"""
    cached = getattr(request, "_moderation_trusted", None)
    if cached is None:
        ids = cookie_ids(request)
        cached = bool(ids) and Comment.objects.approved().filter(pk__in=ids).exists()
        request._moderation_trusted = cached
    return cached
