"""Every change to a comment goes through here: the views, the admin and the moderation app
call these. Each runs in one transaction, asks the moderator for a verdict where the text is
new, records the change with ``moderator.record`` and sends mail only after commit."""

from datetime import timedelta
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from blogsite.clientip import client_ip
from comments import notifications
from comments.models import Comment, NotificationAddress, on
from comments.moderator import get_moderator

STATUS_FOR_VERDICT = {
    "approve": Comment.Status.APPROVED,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
}
CONFIRMATION_INTERVAL = timedelta(days=7)  # at most one confirmation mail per address


def _judge(comment):
    """Apply the moderator's verdict to an unsaved change; return the reason to record."""
    verdict = get_moderator().evaluate(comment)
    comment.status = STATUS_FOR_VERDICT[verdict.action]
    comment.score = verdict.score
    comment.reasons = list(verdict.reasons)
    return "; ".join(comment.reasons) or f"filter: {verdict.action}"


def add_comment(comment, actor=None, note=""):
    """Judge a new comment, save it and record the verdict, in one transaction (no mail).

    The text is rendered first, outside the transaction (see ``Comment.render``)."""
    comment.render()
    with transaction.atomic():
        reason = _judge(comment)
        comment.save()
        get_moderator().record(comment, "", comment.status, actor=actor, reason=note + reason)
    return comment


class AlreadyPosted(Exception):
    """The form's submission token was used by a comment saved meanwhile (``.comment``)."""

    def __init__(self, comment):
        super().__init__(comment.pk)
        self.comment = comment


def post_comment(data, request, submission_key=None):
    """Save a comment from the form's cleaned data; return it (its status is the verdict's).

    ``submission_key`` is the form's one-time token's: stored on the comment and unique, so
    of two requests racing with one form the second raises ``AlreadyPosted``.
    """
    comment = Comment(
        **on(data["post"]),  # a post or a page
        parent=data.get("parent"),
        user=data.get("user"),
        name=data["name"],
        email=data["email"],
        url=data.get("url", ""),
        body=data["body"],
        notify=bool(data.get("notify") and data["email"]),
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        submission_key=submission_key,
    )
    comment.render()  # before the transaction: the database is not locked while it runs
    try:
        with transaction.atomic():
            add_comment(comment, actor=comment.user)
            # the view tells the visitor to look for the confirmation link
            comment.awaits_confirmation = comment.notify and _ask_confirmation(comment.email)
            transaction.on_commit(partial(notifications.comment_posted.enqueue, comment.pk))
    except IntegrityError:
        first = submission_key and Comment.objects.filter(submission_key=submission_key).first()
        if not first:
            raise
        raise AlreadyPosted(first) from None
    return comment


def can_moderate(user):
    """May ``user`` change comments' states? (Inactive users have no permissions.)"""
    return user is not None and user.has_perm("comments.change_comment")


def may_see_commenter_details(user):
    """Commenters' email, IP address and user agent are for those who moderate (and
    superusers), not for every author whose post was commented on."""
    return can_moderate(user)


def add_staff_comment(comment, actor):
    """A comment written in the admin: always as ``actor`` (never in someone else's name, so
    never with another person's badge), in the state they chose, and on record."""
    comment.user = actor
    with transaction.atomic():
        comment.save()
        get_moderator().record(
            comment, "", comment.status, actor=actor, reason="written in the admin"
        )
    return comment


def record_staff_edit(comment, actor, fields):
    """Log that ``actor`` changed ``fields`` of someone's comment in the admin."""
    get_moderator().record(
        comment, comment.status, comment.status, actor=actor,
        reason="edited in the admin: " + ", ".join(fields),
    )  # fmt: skip


def set_status(comment, status, actor=None, reason=""):
    """Move a comment to ``status``; return False if it already was. Raises ValueError for an
    unknown status, PermissionDenied if ``actor`` (a user; None for the system or the
    commenter) may not moderate. Saving moves the post's comment count and thread version on."""
    if status not in Comment.Status.values:
        raise ValueError(f"unknown comment status {status!r}")
    if actor is not None and not can_moderate(actor):
        raise PermissionDenied("Only moderators change a comment's state.")
    moderator = get_moderator()
    with transaction.atomic():
        old = (
            Comment.objects.select_for_update().values_list("status", flat=True).get(pk=comment.pk)
        )
        comment.status = status
        if old == status:
            return False
        comment.save(update_fields=["status", "updated_at"])
        moderator.record(comment, old, status, actor=actor, reason=reason)
        if status == Comment.Status.APPROVED and old in (
            Comment.Status.PENDING,
            Comment.Status.SPAM,
        ):
            transaction.on_commit(partial(notifications.comment_approved.enqueue, comment.pk))
    return True


def edit_comment(comment, body, actor=None):
    """The commenter's edit: the new text is judged again and the result recorded."""
    moderator = get_moderator()
    old = comment.status
    comment.body = body
    comment.render()  # before the transaction: the database is not locked while it runs
    with transaction.atomic():
        reason = _judge(comment)
        comment.save()
        moderator.record(comment, old, comment.status, actor=actor, reason=f"edited; {reason}")
    return comment


def delete_own_comment(comment, actor=None):
    """A commenter's delete is a removal: nothing a visitor sent is hard-deleted."""
    return set_status(comment, Comment.Status.REMOVED, actor=actor, reason="deleted by its author")


def _ask_confirmation(email):
    """Mail a confirmation link unless the address is confirmed or was asked recently; return
    whether the address still waits for its owner's confirmation."""
    address, _ = NotificationAddress.objects.get_or_create(email=email.lower())
    if address.is_active:
        return False
    now = timezone.now()
    sent = address.confirmation_sent_at
    # an unsubscribe ends the interval: the links mailed before it no longer work
    if (
        sent
        and now - sent < CONFIRMATION_INTERVAL
        and not (address.unsubscribed_at and sent <= address.unsubscribed_at)
    ):
        return True
    address.confirmation_sent_at = now
    address.save(update_fields=["confirmation_sent_at"])
    transaction.on_commit(
        partial(notifications.send_confirmation.enqueue, address.email, asked_at=now.isoformat())
    )
    return True


def confirmation_is_stale(email, issued_at):
    """Was this confirmation link mailed before the address unsubscribed? (``issued_at`` None:
    an old link that does not say when; it may confirm only an address never unsubscribed.)"""
    unsubscribed_at = (
        NotificationAddress.objects.filter(email=email.lower())
        .values_list("unsubscribed_at", flat=True)
        .first()
    )
    return unsubscribed_at is not None and (issued_at is None or issued_at <= unsubscribed_at)


def confirm_address(email, issued_at=None):
    """Confirm the address; return False, changing nothing, when the link is stale."""
    with transaction.atomic():
        address, _ = NotificationAddress.objects.select_for_update().get_or_create(
            email=email.lower()
        )
        if confirmation_is_stale(address.email, issued_at):
            return False
        address.confirmed_at, address.unsubscribed_at = timezone.now(), None
        address.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return True


def unsubscribe(email):
    NotificationAddress.objects.update_or_create(
        email=email.lower(), defaults={"unsubscribed_at": timezone.now()}
    )
