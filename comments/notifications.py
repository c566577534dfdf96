"""Mail about comments. Called after the comment's transaction commits; a mail server that is
down is logged and never loses or blocks a comment."""

import logging

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from comments import tokens
from comments.models import Comment, NotificationAddress

logger = logging.getLogger(__name__)


def site_url():
    """The site's base URL when no request is at hand (admin and filter decisions)."""
    scheme = "https" if getattr(settings, "HTTPS", False) else "http"
    return f"{scheme}://{Site.objects.get_current().domain}/"


def _absolute(base_url, path):
    return base_url.rstrip("/") + path


def _send(to, template, context, headers=None):
    subject, _, body = render_to_string(template, context).strip().partition("\n")
    message = EmailMessage(subject.strip(), body.strip() + "\n", to=[to], headers=headers)
    try:
        message.send()
    except Exception as error:  # one line: a mail server that is down must not flood the log
        logger.warning("comment mail %s to %s could not be sent: %r", template, to, error)
        return False
    return True


def comment_posted(comment_id, base_url):
    comment = Comment.objects.select_related("post__author", "parent").filter(pk=comment_id).first()
    if comment is None:
        return
    _notify_post_author(comment, base_url)
    if comment.status == Comment.Status.APPROVED:
        _notify_parent_author(comment, base_url)


def comment_approved(comment_id):
    """A held reply was approved: now its parent's author may hear of it."""
    comment = Comment.objects.select_related("post", "parent").filter(pk=comment_id).first()
    if comment is not None:
        _notify_parent_author(comment, site_url())


def _notify_post_author(comment, base_url):
    post, author = comment.post, comment.post.author
    if comment.status == Comment.Status.SPAM or not author.email or comment.user_id == author.pk:
        return
    context = {
        "comment": comment,
        "post": post,
        "permalink": _absolute(base_url, comment.get_absolute_url()),
        "admin_url": _absolute(
            base_url, reverse("admin:comments_comment_change", args=[comment.pk])
        ),
    }
    _send(author.email, "comments/email/new_comment.txt", context)


def _notify_parent_author(comment, base_url):
    """Only if the parent's author asked for replies and has confirmed the address once."""
    parent = comment.parent
    if parent is None or not parent.notify or not parent.email:
        return
    email = parent.email.lower()
    if comment.email.lower() == email:
        return
    active = NotificationAddress.objects.filter(
        email=email, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).exists()
    if not active:
        return
    unsubscribe = _absolute(
        base_url, reverse("comments:unsubscribe", args=[tokens.unsubscribe_token(email)])
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    context = {
        "comment": comment,
        "post": comment.post,
        "permalink": _absolute(base_url, comment.get_absolute_url()),
        "unsubscribe": unsubscribe,
    }
    _send(parent.email, "comments/email/reply.txt", context, headers)


def send_confirmation(email, base_url):
    """Never quotes the comment: whoever typed the address learns nothing from the mail and
    its owner gets one short question."""
    link = _absolute(base_url, reverse("comments:confirm", args=[tokens.confirm_token(email)]))
    _send(email, "comments/email/confirm.txt", {"confirm": link})
