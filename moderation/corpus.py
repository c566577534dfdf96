"""Labelled training rows: the starter corpus, JSON-lines files, and training on them.

The verdict itself lives in :mod:`moderation.pipeline` (one implementation, used by
``evaluate``, ``classify_comments`` and the benchmark).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from . import bayes, textfeatures

STARTER_CORPUS = Path(__file__).with_name("starter_corpus.jsonl")


def train(counts: bayes.Counts, rows: Iterable[dict]) -> bayes.Counts:
    """Learn labelled rows ``{"text", "url", "label"}`` (a row's name and email are not
    learned: see :mod:`moderation.textfeatures`)."""
    for r in rows:
        toks = textfeatures.tokens(r.get("text", ""), r.get("url", ""))
        counts.learn(toks, r["label"] == "spam")
    return counts


def load_jsonl(path: Path | str = STARTER_CORPUS) -> list[dict]:
    """Labelled rows of a JSON-lines file (by default the starter corpus)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def starter_counts() -> bayes.Counts:
    """Fresh in-memory counts trained on the starter corpus only."""
    return train(bayes.Counts(), load_jsonl())
