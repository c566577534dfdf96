"""Pin the spam filter's verdicts: save them, or compare them with a saved file.

Usage:  .venv/bin/python bench/spam_verdicts.py --save FILE
        .venv/bin/python bench/spam_verdicts.py --compare FILE

The verdicts (action, score to 6 places, reasons) of ``classify_comments``' own function on
both development halves out of the box (the starter corpus), then, after training on them, on
blog_spam.py's 10,000-line speed sample and on 10,000 YouTube lines. A change meant only to
make the filter faster must leave ``--compare`` with no difference; one meant to change
verdicts shows which lines moved. Nothing of the comments' text is written.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def verdicts(rows) -> list:
    from moderation.management.commands.classify_comments import classify

    return [
        [v.action, round(v.score, 6), list(v.reasons)] for v in classify([dict(r) for r in rows])
    ]


def collect() -> dict:
    import blog_spam
    import spam_filter
    from django.core.management import call_command

    out = {name: verdicts(blog_spam.devset(name)) for name in ("a", "b")}
    mixed = blog_spam.speed_sample()
    youtube = spam_filter.load_youtube()
    fields = ("text", "author", "email", "url", "label")
    youtube = [{k: youtube[i % len(youtube)][k] for k in fields} for i in range(10_000)]
    path = Path(tempfile.mkdtemp()) / "comments.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in mixed), encoding="utf-8")
    call_command("train_spam_filter", str(path), stdout=io.StringIO())
    out["speed_sample_trained"] = verdicts(mixed)
    out["youtube_trained"] = verdicts(youtube)
    call_command("train_spam_filter", stdout=io.StringIO())
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", metavar="FILE")
    group.add_argument("--compare", metavar="FILE")
    args = parser.parse_args()
    from common import setup_django

    setup_django()
    found = collect()
    if args.save:
        Path(args.save).write_text(json.dumps(found) + "\n", encoding="utf-8")
        print(f"saved: {sum(map(len, found.values()))} verdicts")
        return
    saved = json.loads(Path(args.compare).read_text(encoding="utf-8"))
    changed = 0
    for name, rows in found.items():
        moved = [i + 1 for i, (a, b) in enumerate(zip(saved[name], rows, strict=True)) if a != b]
        changed += len(moved)
        print(f"{name}: {len(rows)} verdicts, {len(moved)} differ {moved[:20]}")
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
