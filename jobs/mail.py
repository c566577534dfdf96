"""Every mail of the site goes through ``send_message``: a task with primitive arguments, sent
at most once per key (``SentMessage``), retried on temporary failures (``jobs.retry``)."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .compat import task
from .models import SentMessage
from .retry import retrying


def deliver(key, kind, to, subject, body, headers=None, comment_id=None):
    """Send one message unless a message with ``key`` was sent already; True if sent now.
    The record exists before the send and is marked right after the server accepted it."""
    record, _ = SentMessage.objects.get_or_create(
        key=key[:200], defaults={"kind": kind, "recipient": to, "comment_id": comment_id}
    )
    if record.sent_at is not None:
        return False
    EmailMessage(subject, body, to=[to], headers=headers or None).send()
    SentMessage.objects.filter(pk=record.pk).update(sent_at=timezone.now())
    return True


@task()
@retrying
def send_message(key, kind, to, subject, body, headers=None, comment_id=None):
    return deliver(key, kind, to, subject, body, headers, comment_id)


def enqueue_on_commit(key, kind, to, subject, body, headers=None, comment_id=None):
    """Queue the message when the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(
        lambda: send_message.enqueue(key, kind, to, subject, body, headers, comment_id)
    )
