"""The site's moderator: the comments app asks it everything about moderation."""

import contextlib

from comments.moderator import Moderator
from comments.operations import can_moderate

from . import digest, pipeline, training, trust
from .models import Decision, Policy


def decision_label(comment):
    kind, pk = comment.target_key
    return f"comment {comment.pk} ({kind} {pk})"


class SiteModerator(Moderator):
    def comments_open(self, post):
        return super().comments_open(post) and pipeline.post_open(Policy.load(), post)

    def needs_captcha(self, request):
        if request.user.is_authenticated:
            return False
        policy = Policy.load()
        if not policy.captcha_anonymous:
            return False
        return not (policy.captcha_skip_returning and trust.is_trusted(request))

    def reply_depth_limit(self):
        return Policy.load().max_depth

    def evaluate(self, comment):
        return pipeline.evaluate(comment)

    @contextlib.contextmanager
    def batch(self):
        """Many comments judged and recorded (an import): the filter set up once, at most one
        moderators' digest, when the block ends."""
        with digest.once(), pipeline.batch():
            yield

    def record(self, comment, old_status, new_status, actor=None, reason=""):
        """Log the change, keep the filter's training in step, tell moderators of held ones."""
        result = getattr(comment, "_moderation_result", None)
        comment._moderation_result = None
        sig = training.signature_for(comment, result.shingles if result else None)
        Decision.objects.create(
            comment=comment,
            label=decision_label(comment),
            actor=actor,
            actor_label=actor.get_username() if actor is not None else "",
            from_status=old_status or "",
            to_status=new_status,
            reason=reason,
            score=comment.score,
        )
        by_moderator = bool(old_status) and can_moderate(actor)
        training.sync(comment, sig, new_status, by_moderator)
        if not old_status:
            trust.note_posted(comment.pk)
        if new_status == "pending" and old_status != "pending":
            digest.schedule()


moderator = SiteModerator()
