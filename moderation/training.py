"""What the filter learned from each comment, kept in step with the comment's state.

Only a moderator's decision teaches the filter (approved = ham, spam = spam): the filter's own
verdicts never do, so it cannot talk itself into anything. Moving a comment away from the state
it was learned in (an undo, a change of mind, an erasure) unlearns exactly the tokens learned.
"""

from . import duplicates, store, textfeatures
from .models import CommentSignature

LABEL_FOR_STATUS = {"approved": "ham", "spam": "spam"}


def comment_tokens(comment):
    return textfeatures.tokens(comment.body, comment.url)


def signature_for(comment, shingles=None):
    """The comment's signature row (locked for update), created when missing."""
    sig = CommentSignature.objects.select_for_update().filter(comment_id=comment.pk).first()
    if sig is None:
        if shingles is None:
            shingles = duplicates.shingles(comment.body)
        sig = CommentSignature.objects.create(comment_id=comment.pk, shingles=sorted(shingles))
    elif shingles is not None and set(sig.shingles) != shingles:
        sig.shingles = sorted(shingles)
        sig.save(update_fields=["shingles"])
    return sig


def sync(comment, sig, status, by_moderator):
    """Make what the filter learned from ``comment`` match its new ``status``."""
    target = LABEL_FOR_STATUS.get(status, "")
    if sig.trained_as == target or (target and not by_moderator and not sig.trained_as):
        return False
    if sig.trained_as:
        store.unlearn(sig.trained_tokens, sig.trained_as == "spam")
        sig.trained_as, sig.trained_tokens = "", []
    if target and by_moderator:
        tokens = sorted(comment_tokens(comment))
        store.learn(tokens, target == "spam")
        sig.trained_as, sig.trained_tokens = target, tokens
    sig.save(update_fields=["trained_as", "trained_tokens"])
    return True
