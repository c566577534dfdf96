"""Comments from the open web (Webmention, ActivityPub) enter here, and go through the same
moderation as the web form's: ``comments.operations`` judges, saves and records them.

A remote original (a Webmention source, an ActivityPub object id) makes at most one comment
per post: a second delivery updates it (judged again, as an edit is), a delete removes it and
erases what the remote person sent.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from comments.models import Comment
from comments.operations import add_comment, edit_comment, set_status

ERASED = "[deleted by its author]"


@dataclass
class RemoteComment:
    """What a channel read about a remote reply or mention."""

    channel: str  # Comment.Channel.WEBMENTION or ACTIVITYPUB
    source_url: str  # the remote original: one comment per original and post
    name: str
    html: str  # the remote content; sanitised like any HTML comment
    url: str = ""  # the author's profile or home page
    avatar_url: str = ""
    published: datetime | None = None
    kind: str = Comment.Kind.COMMENT  # or MENTION: a link from elsewhere, not a reply
    parent: Comment | None = None
    note: str = ""  # the channel's evidence, recorded with the verdict (e.g. "signature ok")


def file_remote_comment(post, remote: RemoteComment):
    """Create or update the comment for ``remote`` on ``post``; return it.

    A new one is judged like a web comment (same stages, same reasons); an update whose text
    changed is judged again. A comment a moderator removed or marked spam stays so."""
    existing = Comment.objects.filter(post=post, source_url=remote.source_url).first()
    name = " ".join(remote.name.split())[:100] or "Anonymous"
    if existing is None:
        comment = Comment(
            post=post,
            parent=remote.parent if remote.parent and remote.parent.post_id == post.pk else None,
            name=name,
            url=remote.url[:200],
            avatar_url=remote.avatar_url[:2000],
            body=remote.html,
            body_format="html",
            kind=remote.kind,
            channel=remote.channel,
            source_url=remote.source_url,
        )
        if remote.published:
            comment.created_at = remote.published
        note = f"{remote.note}; " if remote.note else ""
        return add_comment(comment, note=note)
    if existing.status in (Comment.Status.SPAM, Comment.Status.REMOVED):
        return existing
    existing.name, existing.url = name, remote.url[:200]
    existing.avatar_url = remote.avatar_url[:2000]
    if existing.body != remote.html:
        return edit_comment(existing, remote.html)
    existing.save(update_fields=["name", "url", "avatar_url", "updated_at"])
    return existing


def remove_remote_comments(source_url, reason="deleted at the source", post=None):
    """The remote person deleted their original: every comment made from it (on ``post``
    only, when given) is removed and its text erased (nothing they sent is kept); return how
    many."""
    removed = 0
    comments = Comment.objects.filter(source_url=source_url)
    if post is not None:
        comments = comments.filter(post=post)
    for comment in comments.exclude(status=Comment.Status.REMOVED, body=ERASED):
        with transaction.atomic():
            set_status(comment, Comment.Status.REMOVED, reason=reason)
            comment.body = ERASED
            comment.body_format = "markdown"
            comment.url = comment.avatar_url = ""
            comment.save(
                update_fields=[
                    "body",
                    "body_format",
                    "body_html",
                    "url",
                    "avatar_url",
                    "updated_at",
                ]
            )
        removed += 1
    return removed
