"""Near-duplicate detection by word-shingle containment.

Spammers post one advert many times with small edits, or post a short
version first and a longer one later (the seed story's comments 3 and 4).
Jaccard similarity misses the second case, since the long version shares
only part of its shingles with the short one.  Containment,
|A ∩ B| / min(|A|, |B|), treats "A is inside B" and "B is inside A" alike.

Short stock phrases ("thanks!", "love this song", "great post") are written
independently by many honest people, so a match must also share at least
``MIN_SHARED`` shingles, i.e. at least five words' worth with k=3.  Below
that a text is too short for repetition to mean anything.  Five is a
compromise: on the YouTube benchmark, where honest comments are short and
repetitive, it holds about 1% more ham ("I love this song so much" twice)
than a ten-word minimum would, but it still catches short repeated adverts
("check out this video on YouTube:").  A reply that quotes a whole earlier
comment also matches it; callers may leave the parent out of the candidates.

Shingle hashes are stable across processes (blake2b, not ``hash()``) and fit
a signed 64-bit column, so they can be stored with a comment.
"""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import blake2b

from .textfeatures import normalise, words

K = 3
THRESHOLD = 0.8
MIN_SHARED = 3  # shingles in common; with k=3 that is five words in a row


def _h(s: str) -> int:
    return int.from_bytes(blake2b(s.encode("utf-8"), digest_size=7).digest(), "big")


def shingles(text: str, k: int = K) -> set[int]:
    """Hashed k-word shingles of the normalised text.

    A text of fewer than k words gets one shingle for its whole normalised
    word sequence, so such texts match only an exact (normalised) copy.
    """
    return shingles_of(words(normalise(text)), k)


def shingles_of(ws: list[str], k: int = K) -> set[int]:
    """:func:`shingles` of a text's words (``words(normalise(text))``)."""
    if not ws:
        return set()
    if len(ws) < k:
        return {_h(" ".join(ws))}
    # _h inlined: this runs for every comment judged
    runs = map(" ".join, zip(*(ws[i:] for i in range(k)), strict=False))  # k words in a row
    return {int.from_bytes(blake2b(s.encode(), digest_size=7).digest(), "big") for s in runs}


def containment(a: set[int], b: set[int]) -> float:
    """|a ∩ b| / min(|a|, |b|): 1.0 when one set lies inside the other."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    return len(a & b) / len(a)


def find_near_duplicate(
    text: str | set[int],
    candidates: Iterable[tuple[object, set[int]]],
    threshold: float = THRESHOLD,
    min_shared: int = MIN_SHARED,
) -> tuple[object, float] | None:
    """The most similar earlier comment as (id, containment), or None.

    ``text`` may be a text or its shingles already computed.  Candidates
    sharing fewer than ``min_shared`` shingles never match (see module doc).
    """
    sh = shingles(text) if isinstance(text, str) else text
    if len(sh) < min_shared:
        return None
    best: tuple[object, float] | None = None
    for cid, other in candidates:
        if len(other) < min_shared:
            continue
        shared = len(sh & other)
        if shared < min_shared:
            continue
        sim = shared / min(len(sh), len(other))
        if sim >= threshold and (best is None or sim > best[1]):
            best = (cid, sim)
    return best
