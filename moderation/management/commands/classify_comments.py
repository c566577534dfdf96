"""``classify_comments FILE``: the moderation pipeline over a JSON-lines file; nothing is saved.

Standard output holds exactly one JSON object per input line (and a summary line when labels
are given); everything else goes to standard error. See CONTRACT.md.
"""

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from blogsite.collector import no_cycle_collector
from moderation import pipeline, rules
from moderation.signals.context import Context
from moderation.signals.repeats import SpamMemory
from moderation.store import PreloadedCounts

FIELDS = ("text", "author", "email", "url")
POST_FIELDS = ("title", "text", "language")


def read_lines(path):
    """The file's objects, checked; CommandError naming the first bad line."""
    try:
        f = open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as e:
        raise CommandError(f"cannot read {path}: {e.strerror or e}") from None
    rows = []
    with f:
        try:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError as e:
                    raise CommandError(f"{path}, line {n}: not valid JSON ({e})") from None
                rows.append(check_row(row, path, n))
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
    return rows


def check_row(row, path, n, need_label=False):
    if not isinstance(row, dict):
        raise CommandError(f"{path}, line {n}: expected a JSON object")
    for name in FIELDS:
        value = row.setdefault(name, "")
        if value is None:
            row[name] = ""
        elif not isinstance(value, str):
            raise CommandError(f"{path}, line {n}: {name!r} must be a string")
    label = row.get("label")
    if label is not None and label not in ("spam", "ham"):
        raise CommandError(f"{path}, line {n}: label must be 'spam' or 'ham', not {label!r}")
    if need_label and label is None:
        raise CommandError(f"{path}, line {n}: no label")
    post = row.get("post")
    if post is not None:
        if not isinstance(post, dict):
            raise CommandError(f"{path}, line {n}: 'post' must be an object")
        for name in POST_FIELDS:
            value = post.get(name)
            if value is not None and not isinstance(value, str):
                raise CommandError(f"{path}, line {n}: post {name!r} must be a string")
    age = row.get("post_age_days", 0)
    if isinstance(age, bool) or not isinstance(age, int | float) or age != age:
        raise CommandError(f"{path}, line {n}: post_age_days must be a number")
    return row


def submission(row, policy):
    age = float(row.get("post_age_days", 0) or 0)
    post = row.get("post") or {}
    closed = not policy.comments_allowed or bool(
        policy.close_after_days and age > policy.close_after_days
    )
    return pipeline.Submission(
        text=row["text"], author=row["author"], email=row["email"], url=row["url"],
        post_age_days=age, post_open=not closed,
        post_title=post.get("title") or "", post_text=post.get("text") or "",
        post_language=post.get("language") or "",
    )  # fmt: skip


def classify(rows, progress=None):
    """Verdicts for ``rows``, each judged as if the rows before it had just been submitted."""
    current = rules.current()  # one version: the policy and the block rules agree
    policy = current.policy
    contexts = [Context(submission(r, policy)) for r in rows]
    counts = PreloadedCounts(set().union(*(c.tokens for c in contexts)))
    recent = pipeline.RecentIndex()
    for cid, shingles in reversed(pipeline.recent_signatures(store_missing=False)):
        recent.add(cid, shingles)
    # Nobody is a returning commenter here: that takes a browser trusted for the name and
    # email (moderation.trust), and a line of a file comes from no browser.
    judge = pipeline.Judge(
        policy, current.block_rules, counts, recent, lambda e: False,
        spam_memory=SpamMemory.load(), blog_languages=pipeline.blog_languages(),
    )  # fmt: skip
    for i, ctx in enumerate(contexts):
        contexts[i] = None  # judged below: its views of the text are not needed afterwards
        result = judge.judge(ctx.sub, context=ctx)
        recent.add(f"line {i + 1}", result.shingles)
        if progress:
            progress(i + 1)
        yield result.verdict


def summary(rows, verdicts):
    spam = [v.action for r, v in zip(rows, verdicts, strict=True) if r.get("label") == "spam"]
    ham = [v.action for r, v in zip(rows, verdicts, strict=True) if r.get("label") == "ham"]

    def share(actions, wanted):
        return round(sum(a in wanted for a in actions) / len(actions), 4) if actions else 0.0

    return {
        "summary": True,
        "spam_caught": share(spam, ("hold", "spam")),
        "ham_marked_spam": share(ham, ("spam",)),
        "ham_held": share(ham, ("hold",)),
        "n": len(rows),
    }


class Command(BaseCommand):
    help = (
        "Run the moderation pipeline (without the request checks) over a JSON-lines file of "
        "comments and print one verdict per line; with labels, a summary line. Saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="JSON lines: text, author, email, url[, post_age_days, post, label]; post is "
            "an object with the title, text and language of the post the comment is on",
        )

    def handle(self, *args, file, **options):
        started = time.perf_counter()
        rows = read_lines(file)
        tty = sys.stderr.isatty() and options.get("verbosity", 1) > 0

        def progress(n):
            if n % 500 == 0 or n == len(rows):
                self.stderr.write(f"\r{n}/{len(rows)} comments", ending="")
                if n == len(rows):
                    self.stderr.write("")

        verdicts = []
        out = []
        with no_cycle_collector():  # (its lines live until the end)
            for verdict in classify(rows, progress if tty else None):
                verdicts.append(verdict)
                out.append(
                    json.dumps(
                        {
                            "action": verdict.action,
                            "score": round(verdict.score, 4),
                            "reasons": list(verdict.reasons),
                        }
                    )
                )
        if any("label" in r for r in rows):
            out.append(json.dumps(summary(rows, verdicts)))
        if out:
            self.stdout.write("\n".join(out))
        seconds = time.perf_counter() - started
        tally = {a: sum(v.action == a for v in verdicts) for a in ("approve", "hold", "spam")}
        rate = f" ({len(rows) / seconds:,.0f}/s)" if rows and seconds else ""
        self.stderr.write(
            f"classify_comments: {len(rows)} comments in {seconds:.2f} s{rate}: "
            f"{tally['approve']} approve, {tally['hold']} hold, {tally['spam']} spam"
        )
