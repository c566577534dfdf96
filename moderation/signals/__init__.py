"""The spam signals: small named checks, each giving evidence in words and a weight.

A signal is an object with a ``name`` and ``check(ctx) -> Iterable[Evidence]``; it reads the
comment through a :class:`~moderation.signals.context.Context` (which computes each view of
the text once) and says what it saw. Weights are log-odds points: positive for spam, negative
for an honest comment; about +1.5 is one clear sign of spam, enough to hold on its own, and
small weights (0.3 to 1) are hints that only count together. The judge
(:class:`moderation.pipeline.Judge`) adds the weights up and keeps the strongest reasons.

Adding a signal is adding a module and a line to ``SIGNALS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    signal: str  # the signal's name
    weight: float  # log-odds points: > 0 spam, < 0 honest
    reason: str  # what a moderator reads


def all_signals():
    """The signals the judge runs, in the order their reasons are listed on a tie."""
    from . import (
        commenter,
        identity,
        language,
        learned,
        links,
        offers,
        praise,
        promotion,
        relevance,
        repeats,
    )

    return [
        commenter.Commenter(),
        repeats.Repeats(),
        language.Language(),
        offers.Offers(),
        promotion.Promotion(),
        links.Links(),
        praise.GenericPraise(),
        identity.Identity(),
        relevance.Relevance(),
        learned.LearnedWords(),
    ]
