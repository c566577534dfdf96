"""A naive Bayes spam filter in the Graham / Robinson / SpamBayes tradition.

Each token's spam probability is Robinson's smoothed estimate

    f(w) = (s * x + n * p(w)) / (s + n)

with p(w) = spam_ratio / (spam_ratio + ham_ratio), n = the number of
training messages that held the token, strength s = 1 and prior x = 0.5: a
token seen once cannot claim more than 0.75 either way.

One deliberate departure from Graham and Robinson: the ratios are taken
per token occurrence (spam_count / all tokens of all spam messages), not per
message (spam_count / nspam).  Comment spam is much longer than the typical
honest comment ("love this song", "thanks, very helpful"), so per message
every common word ("you", "if", "can") looks spammy merely because spam has
more words, and a long, honest comment gets dozens of spammy clues.
Normalising by token totals removes most of that length bias: in
cross-validation (bench/spam_filter.py) it cut the ham held at 95% spam
caught by about 40% and moved the best hold threshold from ~0.85 back to
~0.5, where a filter that knows nothing about a comment puts it.

The strongest clues (up to ``MAX_CLUES``, ignoring those within
``MIN_STRENGTH`` of 0.5) are combined with Fisher's chi-square method as
SpamBayes does: the score is near 1 when the clues are jointly unlikely
under "ham", near 0 when jointly unlikely under "spam", and near 0.5 when
they disagree or are few ("unsure"), which is what makes a hold zone between
two thresholds meaningful.

Counts store protocol (anything with these members can be passed to
:func:`score`, e.g. a later database-backed store)::

    nspam: int                 # spam messages trained on
    nham: int                  # ham messages trained on
    spam_tokens: int           # sum over spam messages of their token count
    ham_tokens: int            # likewise for ham
    get_many(tokens) -> dict   # {token: (spam_count, ham_count)} for the
                               # tokens it knows; unknown tokens may be absent

so a DB store answers one ``WHERE token IN (...)`` query per comment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Protocol

S, X = 1.0, 0.5  # Robinson's strength and prior for unknown/rare tokens
MIN_STRENGTH = 0.1  # ignore clues with |p - 0.5| <= this
MAX_CLUES = 150


class CountsSource(Protocol):
    nspam: int
    nham: int
    spam_tokens: int
    ham_tokens: int

    def get_many(self, tokens: Iterable[str]) -> dict[str, tuple[int, int]]: ...


class Counts:
    """In-memory token counts: {token: (spam_count, ham_count)} and totals.

    Each message counts once per token (callers pass a set of tokens).
    """

    def __init__(self) -> None:
        self.spam: dict[str, int] = {}
        self.ham: dict[str, int] = {}
        self.nspam = 0
        self.nham = 0
        self.spam_tokens = 0
        self.ham_tokens = 0

    def get(self, token: str) -> tuple[int, int]:
        return self.spam.get(token, 0), self.ham.get(token, 0)

    def get_many(self, tokens: Iterable[str]) -> dict[str, tuple[int, int]]:
        spam, ham = self.spam, self.ham
        return {t: (spam.get(t, 0), ham.get(t, 0)) for t in tokens if t in spam or t in ham}

    def learn(self, tokens: Iterable[str], is_spam: bool, sign: int = 1) -> None:
        """Add one message (``sign=+1``) or take it away again (``sign=-1``).

        Unlearning is what a moderator's change of mind needs: learning a
        message and unlearning it leaves the counts exactly as before.
        Counts never go below zero and zero entries are dropped.
        """
        if sign not in (1, -1):
            raise ValueError("sign must be +1 or -1")
        table = self.spam if is_spam else self.ham
        tokens = set(tokens)
        for t in tokens:
            n = table.get(t, 0) + sign
            if n > 0:
                table[t] = n
            else:
                table.pop(t, None)
        if is_spam:
            self.nspam = max(0, self.nspam + sign)
            self.spam_tokens = max(0, self.spam_tokens + sign * len(tokens))
        else:
            self.nham = max(0, self.nham + sign)
            self.ham_tokens = max(0, self.ham_tokens + sign * len(tokens))

    def __len__(self) -> int:
        return len(self.spam.keys() | self.ham.keys())


def token_prob(spam_count: int, ham_count: int, spam_total: int, ham_total: int) -> float:
    """Robinson's f(w) for one token, given the classes' token totals."""
    spam_ratio = spam_count / spam_total if spam_total else 0.0
    ham_ratio = ham_count / ham_total if ham_total else 0.0
    total = spam_ratio + ham_ratio
    if not total:
        return X
    n = spam_count + ham_count
    return (S * X + n * (spam_ratio / total)) / (S + n)


def chi2q(x2: float, v: int) -> float:
    """P(chi-square with ``v`` (even) degrees of freedom >= ``x2``)."""
    m = x2 / 2.0
    total = term = math.exp(-m)
    for i in range(1, v // 2):
        term *= m / i
        total += term
    return min(total, 1.0)


def clue_table(found: dict[str, tuple[int, int]], counts: CountsSource) -> dict:
    """{token: (strength, token, p, log(1 - p), log(p))} for the tokens of ``found`` ({token: (spam, ham)}) strong
    enough to be clues under ``counts``' totals."""
    spam_total, ham_total = counts.spam_tokens, counts.ham_tokens
    out = {}
    for tok, (s, h) in found.items():
        p = token_prob(s, h, spam_total, ham_total)
        strength = abs(p - 0.5)
        if strength > MIN_STRENGTH:
            out[tok] = (strength, tok, p, math.log(1.0 - p), math.log(p))
    return out


def ranked_clues(table: dict) -> tuple[dict[str, int], list]:
    """A :func:`clue_table` in :func:`score`'s order (strongest first; on a tie, the token
    that sorts last first): ({token: rank}, [clue by rank]), so that a batch's comments order
    their clues by sorting small numbers."""
    in_order = sorted(table.values(), reverse=True)
    return {c[1]: i for i, c in enumerate(in_order)}, in_order


def score(tokens: Iterable[str], counts: CountsSource) -> tuple[float, list[tuple[str, float]]]:
    """Spam probability 0..1 of a token set, and its clues, strongest first.

    ``counts`` follows the protocol in the module docstring.  Tokens the
    store does not know are neutral (0.5) and never become clues.
    """
    if not (counts.nspam and counts.nham):
        return 0.5, []  # untrained on one side: no basis for a verdict
    ranked = getattr(counts, "ranked_clues", None)
    if ranked is not None:  # the clues worked out and ordered once for a batch
        rank_of, in_order = ranked
        ranks = [r for r in map(rank_of.get, tokens) if r is not None]
        ranks.sort()
        clues = [in_order[r] for r in ranks[:MAX_CLUES]]
    else:
        clues = list(clue_table(counts.get_many(tokens), counts).values())
        clues.sort(reverse=True)
        del clues[MAX_CLUES:]
    if not clues:
        return 0.5, []
    _, toks, probs, log_hams, log_spams = zip(*clues, strict=True)  # clue_table values
    n = len(clues)
    spam_like = 1.0 - chi2q(-2.0 * sum(log_hams), 2 * n)
    ham_like = 1.0 - chi2q(-2.0 * sum(log_spams), 2 * n)
    return (spam_like - ham_like + 1.0) / 2.0, list(zip(toks, probs, strict=True))
