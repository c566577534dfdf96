"""The learned word statistics: the site's naive Bayes filter (:mod:`moderation.bayes`).

It learns from moderators' decisions, so it is the signal that adapts to a site; out of the
box it knows only the starter corpus, which is small, so its word is one voice among the
others rather than the verdict: half its log-odds, capped.
"""

import math

from .. import bayes
from . import Evidence

# How far the filter has learned from this site: 0 with the starter corpus alone (286
# comments), 1 after a couple of thousand. Its weight grows from a voice among the others to
# the main one, as a trained filter's word statistics deserve; the site's own decisions count
# from the first ones (the ramp used to start at 500, so a site's first 200 decisions changed
# nothing: learning 150 comments of our development set moved no verdict).
UNTRAINED, TRAINED = 300, 2000
SCALE, SCALE_TRAINED = 0.5, 6.0  # times the log-odds
CAP, CAP_TRAINED = 3.0, 5.0
# Common words make any fluent text look honest to a small corpus.
HAM_CAP, HAM_CAP_TRAINED = 0.5, 1.5
FULL_SAY = 4  # clues for the filter's full weight: one or two known words are an accident
# A short comment without a link is not held on word statistics alone out of the box; a
# trained filter may hold one, but only on a word it has learned well (a clue of at least
# STRONG_CLUE, such as "subscribe"), not on a few weak ones: a new post or video brings words
# the filter has only seen in spam by chance ("views", "check", "found out").
SHORT_CAP = 0.9
STRONG_CLUE = 0.9
# Word statistics cannot tell a new post's or video's honest comment that uses words seen in
# spam elsewhere ("views", "check", "youtube") from spam; an advert needs a way to reach the
# reader. A comment that asks nothing and gives no link, address or number (Context.asks) is
# not held on learned words alone: they are then a hint, held only with another sign.
ASKS_NOTHING_CAP = 1.0
MIN_SAY, MIN_SAY_TRAINED = 0.1, 0.02  # |p - 0.5| below this says nothing


_SHAPES = {
    "shape:caps-most": "mostly capitals",
    "shape:caps-some": "many capitals",
    "shape:longword": "very long word",
    "shape:mixed-script": "mixed-script word",
    "hasurl:yes": "website given",
}


def describe(token: str) -> str:
    """A filter clue as a moderator reads it: 'FREE', link to x.com, 2 links."""
    kind, _, value = token.partition(":")
    if not value or " " in kind:
        return f"'{token}'"
    if kind == "caps":
        return f"'{value.upper()}'"
    if kind == "domain":
        return f"link to {value}"
    if kind == "links":
        return "1 link" if value == "1" else f"{value} links"
    return _SHAPES.get(token, f"'{token}'")


def clues_text(clues, spammy: bool, n: int = 3) -> str:
    """The ``n`` strongest clues pointing the verdict's way, described once each."""
    picked: list[str] = []
    for tok, p in clues:
        if (p > 0.5) != spammy:
            continue
        d = describe(tok)
        if d.lower() not in (x.lower() for x in picked):
            picked.append(d)
        if len(picked) == n:
            break
    return ", ".join(picked)


class LearnedWords:
    name = "words"

    def check(self, ctx):
        if ctx.counts is None:
            return []
        p, clues = bayes.score(ctx.tokens, ctx.counts)
        ctx.notes["filter"] = p
        n = ctx.counts.nspam + ctx.counts.nham
        learned = min(1.0, max(0.0, (n - UNTRAINED) / (TRAINED - UNTRAINED)))

        def grown(start, end):
            return start + (end - start) * learned

        if abs(p - 0.5) <= grown(MIN_SAY, MIN_SAY_TRAINED):
            return []
        q = min(max(p, 1e-6), 1 - 1e-6)
        cap = grown(CAP, CAP_TRAINED)
        weight = grown(SCALE, SCALE_TRAINED) * math.log(q / (1 - q))
        weight = max(-grown(HAM_CAP, HAM_CAP_TRAINED), min(cap, weight))
        # (clues come strongest first: the first FULL_SAY tell whether there are enough)
        weight *= min(1.0, sum(abs(c - 0.5) > MIN_SAY for _, c in clues[:FULL_SAY]) / FULL_SAY)
        if ctx.short:
            strongest = max((c for _, c in clues), default=0.5)
            weight = min(weight, grown(SHORT_CAP, cap) if strongest >= STRONG_CLUE else SHORT_CAP)
        if weight > ASKS_NOTHING_CAP and not ctx.asks:
            weight = ASKS_NOTHING_CAP
        spammy = p > 0.5
        said = clues_text(clues, spammy)
        if said:
            which = "words often in spam here" if spammy else "words of honest comments here"
            reason = f"{which}: {said} (filter {p:.2f})"
        else:
            reason = f"filter {p:.2f}"
        return [Evidence(self.name, weight, reason)]
