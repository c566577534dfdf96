"""What the comments app asks of a moderation policy, with permissive defaults.

The ``moderation`` app registers a stricter implementation in its ``AppConfig.ready()``;
without it, comments still work: open unless the post is closed, a captcha for anonymous
visitors, replies five levels deep, everything approved.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verdict:
    action: str  # "approve", "hold" or "spam"
    score: float = 0.0
    reasons: list = field(default_factory=list)


class Moderator:
    max_depth = 5

    def comments_open(self, post):
        """May visitors comment on this post now?"""
        return post.allow_comments and post.is_public

    def needs_captcha(self, request):
        """Must this visitor solve a captcha before a comment is accepted?"""
        return not request.user.is_authenticated

    def reply_depth_limit(self):
        """How deep replies nest (a top-level comment is level 1)."""
        return self.max_depth

    def evaluate(self, comment):
        """Judge a comment that is about to be saved: return a ``Verdict``."""
        return Verdict("approve")

    def record(self, comment, old_status, new_status, actor=None, reason=""):
        """Called after every change of a comment's state, inside its transaction."""

    def batch(self):
        """A context manager around judging and recording many comments (an import)."""
        return nullcontext()


_moderator = Moderator()


def register(moderator):
    global _moderator
    _moderator = moderator


def get_moderator():
    return _moderator
