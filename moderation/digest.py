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

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.sites.models import Site
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from jobs.compat import task
from jobs.mail import send_message

from .models import DigestState

logger = logging.getLogger(__name__)
INTERVAL = timedelta(hours=1)
LISTED = 20


_quiet = contextvars.ContextVar("moderation_digest_quiet", default=False)


def schedule():
    if not _quiet.get():
        transaction.on_commit(send_digest.enqueue)


@contextlib.contextmanager
def quiet():
    """No digest for comments held inside this block (``seed_demo``, imports)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def recipients():
    """Active users with an email who may moderate comments."""
    perm = Permission.objects.filter(
        content_type__app_label="comments", codename="change_comment"
    ).first()
    who = Q(is_superuser=True)
    if perm is not None:
        who |= Q(groups__permissions=perm) | Q(user_permissions=perm)
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="").distinct()
    return sorted({u.email for u in users})


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
        context = {
            "total": total,
            "comments": listed,
            "queue_url": _absolute(reverse("admin:moderation_queue")),
        }
        subject = f"{total} comment{'s' if total != 1 else ''} awaiting moderation"
        body = render_to_string("moderation/digest_email.txt", context)
        for address in to:
            send_message.enqueue(
                f"digest:{now.isoformat()}:{address}", "digest", address, subject, body
            )
        return len(listed)
    except Exception:
        logger.exception("moderation: the moderators' digest could not be sent")
        return 0


def _absolute(path):

    try:
        domain = Site.objects.get_current().domain
    except Exception:
        return path
    scheme = "https" if getattr(settings, "SECURE_SSL_REDIRECT", False) else "http"
    return f"{scheme}://{domain}{path}"
