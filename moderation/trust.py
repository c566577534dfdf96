"""Recognising returning approved commenters without trusting what they type.

Anyone can type a known commenter's name and email, so what is typed never earns anything.
Instead the browser that sent a comment gets a signed cookie naming it (``TrustMiddleware``),
and that browser is trusted for the name and email of its comments once a person approved one
of them (a moderator's decision in the log) or three of them were approved, counting comments
of the last 90 days only. A trusted browser may skip the captcha and is a "returning commenter"
to the policy (if the policy allows), and only under that name and email.
"""

import contextvars
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from comments.models import Comment

from .models import Decision

COOKIE = "commenter_trust"
SALT = "moderation.trust"
LIFETIME = timedelta(days=90)  # a comment older than this earns nothing any more
MAX_AGE = int(LIFETIME.total_seconds())
MAX_IDS = 20
APPROVED_FOR_TRUST = 3  # approved comments that earn trust without a moderator's approval

_current = contextvars.ContextVar("moderation_trust_request", default=None)


class _Request:
    def __init__(self, request):
        self.request = request
        self.posted = []


def begin_request(request):
    return _current.set(_Request(request))


def end_request(token):
    state = _current.get()
    _current.reset(token)
    return state.posted if state is not None else []


def note_posted(comment_id):
    """Called when a comment is created; the middleware puts it in the browser's cookie."""
    state = _current.get()
    if state is not None:
        state.posted.append(comment_id)


def cookie_ids(request):
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
    return [int(part) for part in value.split(".") if part.isdigit()][:MAX_IDS]


def remember(request, response, new_ids):
    ids = list(dict.fromkeys([*reversed(new_ids), *cookie_ids(request)]))[:MAX_IDS]
    response.set_signed_cookie(
        COOKIE, ".".join(map(str, ids)), salt=SALT, max_age=MAX_AGE, httponly=True,
        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip


def identity(name, email):
    """A commenter's name and email as compared: spacing and case do not matter."""
    return " ".join(str(name or "").split()).casefold(), str(email or "").strip().lower()


def earned(request, exclude=None):
    """The identities (see ``identity``) this browser's comments have earned trust for.
    One query, and only when the browser has the cookie; cached on the request."""
    cache = request.__dict__.setdefault("_moderation_trust", {})
    if exclude not in cache:
        cache[exclude] = _earned(cookie_ids(request), exclude)
    return cache[exclude]


def _earned(ids, exclude):
    if not ids:
        return frozenset()
    by_a_person = Decision.objects.filter(
        comment=OuterRef("pk"), to_status=Comment.Status.APPROVED, actor__isnull=False
    ).exclude(from_status="")  # a change of state, not the record of a new comment
    rows = (
        Comment.objects.approved()
        .filter(pk__in=ids, user__isnull=True, created_at__gte=timezone.now() - LIFETIME)
        .exclude(pk=exclude)
        .annotate(by_a_person=Exists(by_a_person))
        .values_list("name", "email", "by_a_person")
    )
    counts, approved_by_a_person = Counter(), set()
    for name, email, by_person in rows:
        who = identity(name, email)
        counts[who] += 1
        if by_person:
            approved_by_a_person.add(who)
    return frozenset(
        who for who, n in counts.items() if who in approved_by_a_person or n >= APPROVED_FOR_TRUST
    )


def is_trusted(request):
    """May this visitor skip the captcha? A comment POST only for the name and email it
    sends; before one (the form being shown), if the browser is trusted for anyone."""
    trusted = earned(request)
    if request.method == "POST":
        return identity(request.POST.get("name"), request.POST.get("email")) in trusted
    return bool(trusted)


def vouches_for(name, email, exclude=None):
    """Is the comment being saved (``name``, ``email``) sent from a browser trusted for
    that name and email? False outside a request (imports, Webmention, the shell)."""
    state = _current.get()
    return state is not None and identity(name, email) in earned(state.request, exclude)
