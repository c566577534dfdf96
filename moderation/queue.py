"""The moderators' queue: the held comments as cards, near-duplicates grouped, in an order.

Everything a card shows is read in one query (post, parent and shingles joined); grouping and
sorting happen in Python over that list, so the page's query count does not grow with it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.timesince import timesince

from comments.models import Comment

from . import duplicates, textfeatures
from .operations import domains_of

SORTS = {"new": "Newest first", "old": "Oldest first", "uncertain": "Most uncertain first"}


def held_comments():
    """Pending comments with all a card shows, in one query."""
    return (
        Comment.objects.filter(status=Comment.Status.PENDING)
        .select_related("post", "page", "parent", "signature")
        .order_by("-created_at", "-pk")
    )


def verdict_words(comment):
    """'Held: 62% likely spam' (or just 'Held' when the filter gave no score)."""
    if comment.score is None:
        return "Held"
    return f"Held: {comment.score:.0%} likely spam"


def uncertainty(comment):
    """Distance of the score from 50% (no score: as uncertain as can be)."""
    return 0.0 if comment.score is None else abs(comment.score - 0.5)


@dataclass
class Card:
    """One card of the queue: a comment, or a group of near-duplicates led by the first."""

    comments: list = field(default_factory=list)

    @property
    def lead(self):
        return self.comments[0]

    @property
    def others(self):
        return self.comments[1:]

    @property
    def is_group(self):
        return len(self.comments) > 1

    @property
    def ids(self):
        return [c.pk for c in self.comments]

    @property
    def post_count(self):
        return len({c.target_key for c in self.comments})


def _shingles(comment):
    try:
        return set(comment.signature.shingles)
    except Comment.signature.RelatedObjectDoesNotExist:  # saved without the pipeline
        return duplicates.shingles(comment.body)


def group_similar(comments):
    """Cards: near-duplicates (shingle containment, as the pipeline judges them) share one."""
    shingles = [_shingles(c) for c in comments]
    cards, placed = [], [None] * len(comments)
    for i, comment in enumerate(comments):
        if placed[i] is not None:
            continue
        card = Card([comment])
        placed[i] = card
        cards.append(card)
        for j in range(i + 1, len(comments)):
            if placed[j] is None and _similar(shingles[i], shingles[j]):
                card.comments.append(comments[j])
                placed[j] = card
    return cards


def _similar(a, b):
    if len(a) < duplicates.MIN_SHARED or len(b) < duplicates.MIN_SHARED:
        return False
    shared = len(a & b)
    return shared >= duplicates.MIN_SHARED and duplicates.containment(a, b) >= duplicates.THRESHOLD


def sort_cards(cards, sort):
    if sort == "old":
        cards.sort(key=lambda card: (card.lead.created_at, card.lead.pk))
    elif sort == "uncertain":
        cards.sort(key=lambda card: (uncertainty(card.lead), -card.lead.pk))
    return cards  # "new": the query's order


def describe(comment):
    """What a card shows beside the text (no query: everything was joined)."""
    comment.verdict = verdict_words(comment)
    comment.email_domain = comment.email.rpartition("@")[2].lower() if comment.email else ""
    comment.link_domains = [
        h for h in textfeatures.link_domains(comment.body, comment.url) if h != "invalid"
    ]
    comment.blockable = domains_of(comment)
    comment.ago = ago(comment.created_at)
    return comment


def ago(when, now=None):
    """'just now', '3 hours ago' (the absolute time is shown beside it)."""
    now = now or timezone.now()
    if now - when < timedelta(minutes=1):
        return "just now"
    return f"{timesince(when, now, depth=1)} ago"


def cards(sort="new"):
    comments = [describe(c) for c in held_comments()]
    return sort_cards(group_similar(comments), sort)
