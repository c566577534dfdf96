"""Small builders for moderation tests."""

from comments.models import Comment
from comments.moderator import get_moderator
from comments.operations import STATUS_FOR_VERDICT
from posts.tests.factories import make_post, make_user


def submit(post=None, body="A perfectly ordinary comment about the post.", **fields):
    """Save a comment the way the comments app does: judged, saved, recorded."""
    post = post or make_post()
    moderator = get_moderator()
    comment = Comment(post=post, name=fields.pop("name", "Reader"), body=body, **fields)
    verdict = moderator.evaluate(comment)
    comment.status = STATUS_FOR_VERDICT[verdict.action]
    comment.score, comment.reasons = verdict.score, list(verdict.reasons)
    comment.save()
    moderator.record(comment, "", comment.status, reason="; ".join(comment.reasons))
    return comment


def make_moderator(username=None, **kwargs):
    return make_user(username, staff=True, groups=["Moderators"], **kwargs)
