"""Small builders for moderation tests."""

from comments.models import Comment
from comments.operations import add_comment
from posts.tests.factories import make_post, make_user


def submit(post=None, body="A perfectly ordinary comment about the post.", **fields):
    """Save a comment the way the comments app does: judged, saved, recorded."""
    post = post or make_post()
    comment = Comment(post=post, name=fields.pop("name", "Reader"), body=body, **fields)
    return add_comment(comment)


def make_moderator(username=None, **kwargs):
    return make_user(username, staff=True, groups=["Moderators"], **kwargs)
