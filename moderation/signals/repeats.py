"""The same comment again: a near-copy of a recent comment, or a paraphrase of known spam.

Near-copies are found by word shingles (:mod:`moderation.duplicates`); the policy says what
to do with them. A short comment without a link ("I love this song so much", "Is that
Charlie from Lost?") is written again and again by different honest people, so its copy is
only a hint that counts with other evidence, and the policy's action is not applied to it. A paraphrase (the same offer in other words, a new link) shares few
shingles but most of its words, so comments a moderator marked spam are also remembered by
their words: one click on spam teaches the site the next variant, on any post.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

from .. import duplicates
from . import Evidence
from .context import content_words

DUPLICATE = 2.0
SHORT_DUPLICATE = 0.8
PARAPHRASE = 2.5
MIN_SHARED_WORDS = 4
SHARED_SHARE = 0.6
REMEMBERED = 500  # spam comments remembered by their words


class SpamMemory:
    """The content words of comments a moderator marked spam, indexed by word."""

    def __init__(self, rows=()):
        self.words: dict[object, frozenset] = {}
        self.index: dict[str, list] = {}
        for cid, tokens in rows:
            self.add(cid, tokens)

    @classmethod
    def load(cls) -> SpamMemory:
        from ..models import CommentSignature

        rows = (
            CommentSignature.objects.filter(trained_as="spam")
            .order_by("-comment_id")
            .values_list("comment_id", "trained_tokens")[:REMEMBERED]
        )
        return cls(rows)

    def add(self, cid, tokens) -> None:
        words = frozenset(content_words(t for t in tokens if ":" not in t and " " not in t))
        if len(words) < MIN_SHARED_WORDS or cid in self.words:
            return
        self.words[cid] = words
        for w in words:
            self.index.setdefault(w, []).append(cid)

    def find(self, words: set[str], exclude=()) -> tuple[object, float] | None:
        if len(words) < MIN_SHARED_WORDS or not self.index:
            return None
        get = self.index.get
        shared = Counter(chain.from_iterable(ids for w in words if (ids := get(w))))
        best = None
        for cid, n in shared.items():
            if n < MIN_SHARED_WORDS or cid in exclude:
                continue
            share = n / min(len(words), len(self.words[cid]))
            if share >= SHARED_SHARE and (best is None or share > best[1]):
                best = (cid, share)
        return best


class Repeats:
    name = "repeats"

    def check(self, ctx):
        out = []
        sh = ctx.shingles
        if ctx.recent is not None:
            if hasattr(ctx.recent, "find"):  # a pipeline.RecentIndex
                dup = ctx.recent.find(sh, ctx.sub.exclude)
            else:  # a list of (id, shingles)
                dup = duplicates.find_near_duplicate(sh, ctx.recent)
            if dup is not None:
                if not ctx.short:
                    ctx.notes["duplicate"] = dup
                ref = f"comment {dup[0]}" if isinstance(dup[0], int) else str(dup[0])
                weight = SHORT_DUPLICATE if ctx.short else DUPLICATE
                out.append(
                    Evidence(self.name, weight, f"near-duplicate of {ref} ({dup[1]:.0%} contained)")
                )
        if ctx.spam_memory is not None and not out:
            found = ctx.spam_memory.find(set(ctx.content), ctx.sub.exclude)
            if found is not None:
                ref = f"comment {found[0]}" if isinstance(found[0], int) else str(found[0])
                out.append(
                    Evidence(
                        self.name, PARAPHRASE,
                        f"shares {found[1]:.0%} of its words with {ref}, marked spam",
                    )
                )  # fmt: skip
        return out
