"""Comments from the open web (Webmention, ActivityPub) enter here, and go through the same
moderation as the web form's: ``comments.operations`` judges, saves and records them.

A remote original (a Webmention source, an ActivityPub object id) makes at most one comment
per post or page: a second delivery updates it (judged again, as an edit is), a delete removes
it and erases what the remote person sent.

``find_target`` is the one reading of "which of our posts or pages (and which comment on it)
does this URL name", for both channels.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import Resolver404, resolve

from comments.models import Comment, on
from comments.operations import add_comment, edit_comment, set_status
from posts.models import Page, Post

ERASED = "[deleted by its author]"


class NotATarget(Exception):
    """A URL that names none of our visible posts or pages (the message says why)."""


COMMENT_FRAGMENT = re.compile(r"c(\d{1,18})")


def _visible(target):
    return target is not None and target.is_public


def find_target(url, hosts, *, remote_comments=False):
    """``(target, parent)`` for a URL that a reply, a mention or a like names: ``target`` is
    the visible post or page, ``parent`` the approved comment on it that the URL names
    (``/comments/<id>/``, or the post's or page's URL with ``#c<id>``), else None.

    ``hosts`` are the host[:port] names our URLs are on. With ``remote_comments``, a URL on
    another host may be the original of one of our approved comments (a fediverse reply that
    someone answers in turn). Raise ``NotATarget`` otherwise. Whether the target is open for
    comments is the caller's to decide (a like of a closed post still counts)."""
    if not url:
        raise NotATarget("No target given.")
    parts = urlsplit(url)
    if parts.netloc.lower() not in {h.lower() for h in hosts}:
        if remote_comments:
            parent = (
                Comment.objects.approved()
                .filter(source_url=url)
                .select_related("post", "page")
                .first()
            )
            if parent is not None and _visible(parent.target):
                return parent.target, parent
        raise NotATarget("The target is not on this site.")
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        raise NotATarget("The target is not a page of this site.") from None
    if match.view_name == "comments:permalink":
        parent = (
            Comment.objects.approved()
            .filter(pk=match.kwargs["pk"])
            .select_related("post", "page")
            .first()
        )
        if parent is None or not _visible(parent.target):
            raise NotATarget("The target is not a comment on this site.")
        return parent.target, parent
    if match.view_name == "posts:detail":
        target = Post.objects.published().filter(slug=match.kwargs["slug"]).first()
    elif match.view_name == "posts:page":
        target = Page.objects.published().filter(slug=match.kwargs["slug"]).first()
    else:
        raise NotATarget("The target is not a post or a page of this site.")
    if target is None:
        raise NotATarget("The target is not a post or a page of this site.")
    parent = None
    fragment = COMMENT_FRAGMENT.fullmatch(parts.fragment)
    if fragment:
        parent = Comment.objects.approved().on(target).filter(pk=int(fragment[1])).first()
        if parent is None:
            raise NotATarget("The target is not a comment on this site.")
    return target, parent


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


def file_remote_comment(target, remote: RemoteComment):
    """Create or update the comment for ``remote`` on ``target`` (a post or a page); return
    it.

    A new one is judged like a web comment (same stages, same reasons); an update whose text
    changed is judged again. A comment a moderator removed or marked spam stays so."""
    existing = Comment.objects.on(target).filter(source_url=remote.source_url).first()
    name = " ".join(remote.name.split())[:100] or "Anonymous"
    if existing is None:
        parent = remote.parent
        if parent is not None and parent.target_key != (on_key(target), target.pk):
            parent = None  # a parent elsewhere: a reply to the target itself
        comment = Comment(
            **on(target),
            parent=parent,
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


def on_key(target):
    """ "post" or "page": which side of a comment ``target`` is (as ``Comment.target_key``)."""
    return next(iter(on(target)))


def remove_remote_comments(source_url, reason="deleted at the source", target=None):
    """The remote person deleted their original: every comment made from it (on ``target``,
    a post or a page, only, when given) is removed and its text erased (nothing they sent is
    kept); return how many."""
    removed = 0
    comments = Comment.objects.filter(source_url=source_url)
    if target is not None:
        comments = comments.on(target)
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
