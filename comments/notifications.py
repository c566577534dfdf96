"""Mail about comments: tasks enqueued when the comment's transaction commits, so a mail
server that is slow or down never blocks or loses a comment. Each message is sent at most once
(``jobs.mail.deliver``); a temporary failure retries the task, which skips what went out.

Links are on ``SITE_URL`` (``posts.links``): a task runs outside any request. The tasks keep a
``base_url`` argument, unused, so tasks queued by an earlier version still run."""

from django.template.loader import render_to_string
from django.urls import reverse

from comments import tokens
from comments.models import Comment, NotificationAddress
from jobs.compat import task
from jobs.mail import deliver
from jobs.retry import retrying
from posts.links import absolute_url


def _send(key, to, template, context, headers=None, comment_id=None):
    subject, _, body = render_to_string(template, context).strip().partition("\n")
    kind = key.split(":", 1)[0]
    return deliver(key, kind, to, subject.strip(), body.strip() + "\n", headers, comment_id)


@task()
@retrying
def comment_posted(comment_id, base_url=None):
    comment = (
        Comment.objects.select_related("post__author", "page", "parent")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return
    _notify_post_author(comment)
    if comment.status == Comment.Status.APPROVED:
        _notify_parent_author(comment)


@task()
@retrying
def comment_approved(comment_id):
    """A held reply was approved: now its parent's author may hear of it."""
    comment = Comment.objects.select_related("post", "page", "parent").filter(pk=comment_id).first()
    if comment is not None:
        _notify_parent_author(comment)


def _notify_post_author(comment):
    if comment.post_id is None:  # a page: it has no author to tell (moderators see the queue)
        return
    post, author = comment.post, comment.post.author
    if comment.status == Comment.Status.SPAM or not author.email or comment.user_id == author.pk:
        return
    context = {
        "comment": comment,
        "post": post,
        "permalink": absolute_url(comment.get_absolute_url()),
        "admin_url": absolute_url(reverse("admin:comments_comment_change", args=[comment.pk])),
    }
    key = f"new-comment:{comment.pk}:{author.email.lower()}"
    _send(key, author.email, "comments/email/new_comment.txt", context, comment_id=comment.pk)


def _notify_parent_author(comment):
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
    unsubscribe = absolute_url(
        reverse("comments:unsubscribe", args=[tokens.unsubscribe_token(email)])
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    context = {
        "comment": comment,
        "post": comment.target,
        "permalink": absolute_url(comment.get_absolute_url()),
        "unsubscribe": unsubscribe,
    }
    key = f"reply:{comment.pk}:{email}"
    _send(key, parent.email, "comments/email/reply.txt", context, headers, comment.pk)


@task()
@retrying
def send_confirmation(email, base_url=None, asked_at=""):
    """Never quotes the comment: whoever typed the address learns nothing from the mail and
    its owner gets one short question. One mail per ``asked_at`` (when it was asked for)."""
    link = absolute_url(reverse("comments:confirm", args=[tokens.confirm_token(email)]))
    _send(
        f"confirm:{email.lower()}:{asked_at}",
        email,
        "comments/email/confirm.txt",
        {"confirm": link},
    )
