"""Cross-validate the spam-filter engine on the YouTube Spam Collection.

Usage:  .venv/bin/python bench/spam_filter.py

Two 5-fold splits of the 1,956 labelled comments:

* ``random``: stratified random folds (fixed seed); the headline numbers;
* ``by-video``: each fold is one video, so the filter never saw that video's
  vocabulary; harder, closer to a new blog post with its own topic.

Each fold trains on the starter corpus plus the other four folds, then judges
the held-out comments one by one, in file order, with the engine's default
thresholds and layers: a comment is compared with the previous ones of its
fold for near-duplicates, as ``classify_comments`` does with earlier lines.
Also measured: training time and classification speed over 10,000 comments,
for the engine alone and through the real commands (``train_spam_filter``
and ``classify_comments`` on a migrated SQLite database with 500 recent
comments, token counts read from the database).
Results go to bench/results/spam_filter.json.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation import bayes, engine  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
STARTER = ROOT / "moderation" / "starter_corpus.jsonl"
RESULTS = ROOT / "bench" / "results" / "spam_filter.json"
RECENT_WINDOW = 200  # earlier comments a new one is compared with
SWEEP = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def load_youtube() -> list[dict]:
    rows = []
    for path in sorted((DATA / "youtube-spam").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                rows.append(
                    {
                        "text": r["CONTENT"],
                        "author": r["AUTHOR"],
                        "email": "",
                        "url": "",
                        "label": "spam" if r["CLASS"] == "1" else "ham",
                        "video": path.stem,
                    }
                )
    return rows


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def folds_random(rows: list[dict], k: int = 5, seed: int = 0) -> list[int]:
    """Stratified: each label's rows are shuffled and dealt round-robin."""
    fold = [0] * len(rows)
    rng = random.Random(seed)
    for label in ("spam", "ham"):
        idx = [i for i, r in enumerate(rows) if r["label"] == label]
        rng.shuffle(idx)
        for n, i in enumerate(idx):
            fold[i] = n % k
    return fold


def folds_by_video(rows: list[dict]) -> list[int]:
    videos = sorted({r["video"] for r in rows})
    return [videos.index(r["video"]) for r in rows]


def rates(results: list[tuple[str, str, float]]) -> dict:
    """results: (label, action, score) triples -> the contract's three rates."""
    spam = [a for lab, a, _ in results if lab == "spam"]
    ham = [a for lab, a, _ in results if lab == "ham"]
    return {
        "spam_caught": sum(a != "approve" for a in spam) / len(spam),
        "spam_marked_spam": sum(a == "spam" for a in spam) / len(spam),
        "ham_marked_spam": sum(a == "spam" for a in ham) / len(ham),
        "ham_held": sum(a == "hold" for a in ham) / len(ham),
        "n": len(results),
    }


def cross_validate(rows: list[dict], starter: list[dict], fold: list[int]) -> dict:
    results, layer_hits, sweep_scores = [], {"links": 0, "duplicate": 0, "filter": 0}, []
    ham_dup_examples = []
    for k in sorted(set(fold)):
        counts = engine.train(
            bayes.Counts(), starter + [r for r, f in zip(rows, fold, strict=True) if f != k]
        )
        recent: list[tuple[object, set[int]]] = []
        for i, r in enumerate(rows):
            if fold[i] != k:
                continue
            v = engine.judge(
                r["text"], r["author"], r["email"], r["url"], counts, recent[-RECENT_WINDOW:]
            )
            recent.append((i, v.shingles))
            results.append((r["label"], v.action, v.score))
            sweep_scores.append((r["label"], v.score, v.reasons))
            for reason in v.reasons:
                if reason.startswith("near-duplicate"):
                    layer_hits["duplicate"] += 1
                    if r["label"] == "ham":
                        ham_dup_examples.append(r["text"][:80])
                elif "links (limit" in reason:
                    layer_hits["links"] += 1
                elif reason.startswith("filter") and v.score >= engine.HOLD_THRESHOLD:
                    layer_hits["filter"] += 1
    out = rates(results)
    out["flagged_by_layer"] = layer_hits
    out["ham_flagged_as_duplicate"] = ham_dup_examples[:10]
    # Filter alone, over a range of hold thresholds (spam threshold fixed).
    out["filter_only_sweep"] = [
        {
            "hold_threshold": h,
            **rates(
                [
                    (
                        lab,
                        "spam" if p >= engine.SPAM_THRESHOLD else "hold" if p >= h else "approve",
                        p,
                    )
                    for lab, p, _ in sweep_scores
                ]
            ),
        }
        for h in SWEEP
    ]
    return out


def speed(rows: list[dict], starter: list[dict], n: int = 10_000) -> dict:
    pool = starter + rows
    sample = [pool[i % len(pool)] for i in range(n)]
    t0 = time.perf_counter()
    counts = engine.train(bayes.Counts(), sample)
    train_s = time.perf_counter() - t0
    recent: list[tuple[object, set[int]]] = []
    t0 = time.perf_counter()
    for i, r in enumerate(sample):
        v = engine.judge(r["text"], r["author"], r["email"], r["url"], counts, recent)
        recent.append((i, v.shingles))
        del recent[:-RECENT_WINDOW]
    classify_s = time.perf_counter() - t0
    return {
        "train_comments": n,
        "train_seconds": round(train_s, 3),
        "classify_comments": n,
        "classify_seconds": round(classify_s, 3),
        "classify_per_second": round(n / classify_s),
        "recent_window": RECENT_WINDOW,
        "tokens_in_store": len(counts),
    }


def command_speed(rows: list[dict], starter: list[dict], n: int = 10_000) -> dict:
    """``train_spam_filter FILE`` and ``classify_comments FILE`` on ``n`` lines, in-process."""
    import io
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import setup_django

    setup_django()
    from django.core.management import call_command

    from comments.models import Comment
    from posts.tests.factories import make_post

    pool = starter + rows
    sample = [{k: pool[i % len(pool)][k] for k in ("text", "author", "email", "url", "label")}
              for i in range(n)]  # fmt: skip
    post = make_post()
    Comment.objects.bulk_create(
        Comment(post=post, name=r["author"][:100] or "x", body=r["text"], status="approved")
        for r in rows[:500]
    )
    path = Path(tempfile.mkdtemp()) / "comments.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in sample), encoding="utf-8")

    t0 = time.perf_counter()
    call_command("train_spam_filter", str(path), stdout=io.StringIO())
    train_s = time.perf_counter() - t0
    out = io.StringIO()
    t0 = time.perf_counter()
    call_command("classify_comments", str(path), stdout=out, stderr=io.StringIO())
    classify_s = time.perf_counter() - t0
    lines = out.getvalue().splitlines()
    assert len(lines) == n + 1, len(lines)
    return {
        "train_spam_filter_lines": n,
        "train_spam_filter_seconds": round(train_s, 3),
        "classify_comments_lines": n,
        "classify_comments_seconds": round(classify_s, 3),
        "classify_comments_per_second": round(n / classify_s),
        "classify_comments_summary_on_its_own_training_data": json.loads(lines[-1]),
        "goals": {"train_spam_filter_seconds": "< 5", "classify_comments_per_second": ">= 2000"},
    }


def seed_story(starter: list[dict]) -> list[dict]:
    counts = engine.train(bayes.Counts(), starter)
    recent, out = [], []
    for i, r in enumerate(load_jsonl(DATA / "seed-story" / "comments.jsonl"), 1):
        v = engine.judge(r["text"], r["author"], r["email"], r["url"], counts, recent)
        recent.append((i, v.shingles))
        out.append(
            {
                "comment": i,
                "label": r["label"],
                "action": v.action,
                "score": round(v.score, 3),
                "reasons": v.reasons,
            }
        )
    return out


def main() -> None:
    rows, starter = load_youtube(), load_jsonl(STARTER)
    report = {
        "data": {"youtube": len(rows), "starter_corpus": len(starter)},
        "thresholds": {
            "hold": engine.HOLD_THRESHOLD,
            "spam": engine.SPAM_THRESHOLD,
            "link_limit": engine.LINK_LIMIT,
        },
        "goals": {"spam_caught": ">= 0.95", "ham_marked_spam": "<= 0.005", "ham_held": "<= 0.10"},
        "random_5fold": cross_validate(rows, starter, folds_random(rows)),
        "by_video_5fold": cross_validate(rows, starter, folds_by_video(rows)),
        "speed": speed(rows, starter),
        "commands": command_speed(rows, starter),
        "seed_story_starter_only": seed_story(starter),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(
        f"thresholds: hold >= {engine.HOLD_THRESHOLD}, spam >= {engine.SPAM_THRESHOLD}, links > {engine.LINK_LIMIT}"
    )
    print(f"{'split':<16}{'spam caught':>12}{'ham->spam':>11}{'ham held':>10}{'spam->spam':>12}")
    for name in ("random_5fold", "by_video_5fold"):
        r = report[name]
        print(
            f"{name:<16}{r['spam_caught']:>12.1%}{r['ham_marked_spam']:>11.2%}"
            f"{r['ham_held']:>10.1%}{r['spam_marked_spam']:>12.1%}"
        )
    s = report["speed"]
    print(
        f"train {s['train_comments']}: {s['train_seconds']:.2f} s; classify: {s['classify_per_second']:,}/s"
    )
    c = report["commands"]
    print(
        f"commands: train_spam_filter {c['train_spam_filter_lines']}: "
        f"{c['train_spam_filter_seconds']:.2f} s; classify_comments: "
        f"{c['classify_comments_per_second']:,}/s"
    )
    for c in report["seed_story_starter_only"]:
        print(
            f"seed comment {c['comment']} ({c['label']}): {c['action']} {c['score']} {c['reasons']}"
        )
    print(f"written: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
