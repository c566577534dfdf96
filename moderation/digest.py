"""The moderators' digest: at most one email an hour saying what waits in the queue.

A task enqueued after the commit that held a comment (when the last digest is older than an
hour), and a periodic job of the worker (``send_moderation_digest``, also for cron), which
catches comments held within the hour after a digest. Each moderator's mail is its own
``jobs.mail.send_message`` task: retried on temporary failures, never sent twice.
"""

import contextlib
import contextvars
import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from jobs.compat import task
from jobs.mail import send_message
from posts.links import absolute_url

from .models import DigestOptOut, DigestState

logger = logging.getLogger(__name__)
INTERVAL = timedelta(hours=1)
LISTED = 20
UNSUBSCRIBE_SALT = "moderation.digest.unsubscribe"


_quiet = contextvars.ContextVar("moderation_digest_quiet", default=False)


_once = contextvars.ContextVar("moderation_digest_once", default=None)


def schedule():
    if _quiet.get():
        return
    if (wanted := _once.get()) is not None:
        wanted.append(True)  # sent for at the end of the ``once()`` block
        return
    transaction.on_commit(send_digest.enqueue)


@contextlib.contextmanager
def once():
    """At most one digest for the comments held inside this block, scheduled when it ends (an
    import that holds many comments)."""
    wanted = []
    token = _once.set(wanted)
    try:
        yield
    finally:
        _once.reset(token)
    if wanted:
        schedule()


@contextlib.contextmanager
def quiet():
    """No digest for comments held inside this block (``seed_demo``, imports)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def recipients():
    """Active users with an email who may moderate comments, but not those who turned the
    digest off."""
    perm = Permission.objects.filter(
        content_type__app_label="comments", codename="change_comment"
    ).first()
    who = Q(is_superuser=True)
    if perm is not None:
        who |= Q(groups__permissions=perm) | Q(user_permissions=perm)
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="").distinct()
    off = set(DigestOptOut.objects.values_list("email", flat=True))
    # one digest per mailbox: addresses are compared without case, as the opt-outs are
    kept = {u.email.lower(): u.email for u in users if u.email.lower() not in off}
    return sorted(kept.values())


def unsubscribe_token(email):
    """Never expires: the link in an old digest must still work."""
    return signing.dumps(email.lower(), salt=UNSUBSCRIBE_SALT)


def email_from_unsubscribe_token(token):
    """The address; raises ``signing.BadSignature``."""
    email = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(email, str):
        raise signing.BadSignature("not a digest unsubscribe token")
    return email


def unsubscribe_url(email):
    return absolute_url(reverse("moderation:digest_unsubscribe", args=[unsubscribe_token(email)]))


def turn_off(email):
    DigestOptOut.objects.get_or_create(email=email.lower())


def turn_on(email):
    DigestOptOut.objects.filter(email=email.lower()).delete()


def is_off(email):
    return DigestOptOut.objects.filter(email=email.lower()).exists()


def _claim(now, force):
    """Take the right to send now (one process wins); False if a digest went out lately."""
    DigestState.objects.get_or_create(pk=1)
    due = DigestState.objects.filter(pk=1)
    if not force:
        due = due.filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - INTERVAL))
    return due.update(last_sent_at=now) == 1


@task()
def send_digest():
    return send_if_due()


def send_if_due(force=False):
    """Send the digest if comments wait and none was sent in the last hour; return the number
    of comments it listed (0 when nothing was sent)."""

    try:
        now = timezone.now()
        recent = DigestState.objects.filter(pk=1, last_sent_at__gt=now - INTERVAL)
        if not force and recent.exists():  # the usual case after a held comment: one query
            return 0
        waiting = Comment.objects.filter(status=Comment.Status.PENDING)
        total = waiting.count()
        if not total:
            return 0
        to = recipients()
        if not to:
            return 0
        if not _claim(now, force):
            return 0
        listed = list(waiting.select_related("post", "page").order_by("-created_at")[:LISTED])
        queue_url = absolute_url(reverse("admin:moderation_queue"))
        subject = f"{total} comment{'s' if total != 1 else ''} awaiting moderation"
        for address in to:
            unsubscribe = unsubscribe_url(address)
            context = {
                "total": total, "comments": listed, "queue_url": queue_url,
                "unsubscribe": unsubscribe,
            }  # fmt: skip
            body = render_to_string("moderation/digest_email.txt", context)
            headers = {  # RFC 2369 and RFC 8058: the mail client's own one-click button
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            send_message.enqueue(
                f"digest:{now.isoformat()}:{address}", "digest", address, subject, body, headers
            )
        return len(listed)
    except Exception:
        logger.exception("moderation: the moderators' digest could not be sent")
        return 0
