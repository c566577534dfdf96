"""The learned word statistics: the site's naive Bayes filter (:mod:`moderation.bayes`).

It learns from moderators' decisions, so it is the signal that adapts to a site; out of the
box it knows only the starter corpus, which is small, so its word is one voice among the
others rather than the verdict: half its log-odds, capped.
"""

import math

from .. import bayes
from . import Evidence

SCALE = 0.5
CAP = 3.0
# Common words make any fluent text look honest to a small corpus: the filter's word for a
# comment grows with what it has learned, from HAM_CAP (the starter corpus) to HAM_CAP_TRAINED.
HAM_CAP, HAM_CAP_TRAINED, TRAINED = 0.5, 1.5, 2000
FULL_SAY = 4  # clues for the filter's full weight: one or two known words are an accident
SHORT = 12  # words: a short comment without a link...
SHORT_CAP = 0.9  # ...is not held on word statistics alone
MIN_SAY = 0.1  # |p - 0.5| below this says nothing


def describe(token: str) -> str:
    """A filter clue as a moderator reads it: 'FREE', name 'anonymous', link to x.com."""
    kind, _, value = token.partition(":")
    if not value or " " in kind:
        return f"'{token}'"
    shapes = {
        "shape:caps-most": "mostly capitals",
        "shape:caps-some": "many capitals",
        "shape:longword": "very long word",
        "shape:mixed-script": "mixed-script word",
        "hasurl:yes": "website given",
    }
    return {
        "caps": f"'{value.upper()}'",
        "author": f"name '{value}'",
        "domain": f"link to {value}",
        "emaildomain": f"email at {value}",
        "links": "1 link" if value == "1" else f"{value} links",
    }.get(kind, shapes.get(token, f"'{token}'"))


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
        if abs(p - 0.5) <= MIN_SAY:
            return []
        q = min(max(p, 1e-6), 1 - 1e-6)
        learned = min(1.0, (ctx.counts.nspam + ctx.counts.nham) / TRAINED)
        ham_cap = HAM_CAP + (HAM_CAP_TRAINED - HAM_CAP) * learned
        weight = max(-ham_cap, min(CAP, SCALE * math.log(q / (1 - q))))
        weight *= min(1.0, sum(abs(c - 0.5) > MIN_SAY for _, c in clues) / FULL_SAY)
        if len(ctx.words) <= SHORT and not ctx.has_link:
            weight = min(weight, SHORT_CAP)
        spammy = p > 0.5
        reason = f"filter {p:.2f}: {clues_text(clues, spammy)}".rstrip(": ")
        return [Evidence(self.name, weight, reason)]
