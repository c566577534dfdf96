"""The Bayes filter's token counts in the database.

``DbCounts`` follows the counts protocol of :mod:`moderation.bayes` (totals plus
``get_many`` in one query). Learning and unlearning add or subtract one message with a
single ``INSERT ... ON CONFLICT DO UPDATE`` per chunk of tokens, which SQLite (3.24+) and
PostgreSQL both run atomically per row, so concurrent decisions never lose an increment.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from . import bayes
from .models import FilterTotals, TokenCount

MAX_TOKEN = 300  # TokenCount.token's max_length
CHUNK = 300  # tokens per statement (3 parameters each: well below SQLite's limit)


def _clip(tokens: Iterable[str]) -> set[str]:
    return {t[:MAX_TOKEN] for t in tokens}


class DbCounts:
    """The stored counts: totals read once, tokens fetched per ``get_many`` call."""

    def __init__(self) -> None:
        totals = FilterTotals.objects.filter(pk=1).first() or FilterTotals()
        self.nspam, self.nham = totals.nspam, totals.nham
        self.spam_tokens, self.ham_tokens = totals.spam_tokens, totals.ham_tokens

    def get_many(self, tokens: Iterable[str]) -> dict[str, tuple[int, int]]:
        found = {}
        wanted = list(_clip(tokens))
        table = _table()
        # Plain SQL: the ORM prepares each of a batch's tens of thousands of parameters.
        with connection.cursor() as cursor:
            for i in range(0, len(wanted), 2000):
                chunk = wanted[i : i + 2000]
                cursor.execute(
                    f"SELECT token, spam, ham FROM {table} WHERE token IN "  # noqa: S608 (no user text in the SQL)
                    f"({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                found.update({t: (s, h) for t, s, h in cursor.fetchall()})
        return found


class PreloadedCounts:
    """Counts for a known set of tokens, fetched in a few large queries (for batch jobs);
    each token's clue is worked out once for the batch, not once per comment that has it."""

    def __init__(self, tokens: Iterable[str]) -> None:
        db = DbCounts()
        self.nspam, self.nham = db.nspam, db.nham
        self.spam_tokens, self.ham_tokens = db.spam_tokens, db.ham_tokens
        self.table = db.get_many(tokens)
        self.ranked_clues = bayes.ranked_clues(bayes.clue_table(self.table, self))

    def get_many(self, tokens: Iterable[str]) -> dict[str, tuple[int, int]]:
        table = self.table
        return {t: table[t] for t in tokens if t in table}


def _table():
    return connection.ops.quote_name(TokenCount._meta.db_table)


def _add(rows: list[tuple[str, int, int]]) -> None:
    """Add (token, spam, ham) increments, creating rows as needed."""
    table = _table()
    with connection.cursor() as cursor:
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            params = [v for row in chunk for v in row]
            cursor.execute(
                f"INSERT INTO {table} (token, spam, ham) VALUES {values} "  # noqa: S608 (no user text in the SQL)
                f"ON CONFLICT (token) DO UPDATE SET spam = {table}.spam + excluded.spam, "
                f"ham = {table}.ham + excluded.ham",
                params,
            )


def _subtract(tokens: list[str], is_spam: bool) -> None:
    """Take one message away from ``tokens`` (never below zero); drop rows left at zero."""
    column = "spam" if is_spam else "ham"
    for i in range(0, len(tokens), 2000):
        chunk = tokens[i : i + 2000]
        TokenCount.objects.filter(token__in=chunk, **{f"{column}__gt": 0}).update(
            **{column: F(column) - 1}
        )
        TokenCount.objects.filter(token__in=chunk, spam=0, ham=0).delete()


def _totals_delta(nspam=0, nham=0, spam_tokens=0, ham_tokens=0) -> None:
    FilterTotals.objects.get_or_create(pk=1)
    updates = {"trained_at": timezone.now()}
    for name, delta in (
        ("nspam", nspam),
        ("nham", nham),
        ("spam_tokens", spam_tokens),
        ("ham_tokens", ham_tokens),
    ):
        if delta:
            updates[name] = F(name) + delta
    FilterTotals.objects.filter(pk=1).update(**updates)
    if nspam < 0 or nham < 0 or spam_tokens < 0 or ham_tokens < 0:  # never below zero
        for name in ("nspam", "nham", "spam_tokens", "ham_tokens"):
            FilterTotals.objects.filter(pk=1, **{f"{name}__lt": 0}).update(**{name: 0})


def learn(tokens: Iterable[str], is_spam: bool) -> None:
    """Add one message to the stored counts."""
    toks = sorted(_clip(tokens))  # sorted: rows are locked in the same order by every writer
    with transaction.atomic():
        _add([(t, 1, 0) if is_spam else (t, 0, 1) for t in toks])
        if is_spam:
            _totals_delta(nspam=1, spam_tokens=len(toks))
        else:
            _totals_delta(nham=1, ham_tokens=len(toks))


def unlearn(tokens: Iterable[str], is_spam: bool) -> None:
    """Take back one message learned earlier with the same tokens."""
    toks = sorted(_clip(tokens))
    with transaction.atomic():
        _subtract(toks, is_spam)
        if is_spam:
            _totals_delta(nspam=-1, spam_tokens=-len(toks))
        else:
            _totals_delta(nham=-1, ham_tokens=-len(toks))


def replace_all(counts: bayes.Counts) -> int:
    """Replace the stored counts by ``counts`` (retraining); return the number of tokens."""
    with transaction.atomic():
        TokenCount.objects.all().delete()
        keys = counts.spam.keys() | counts.ham.keys()
        merged: dict[str, list[int]] = {}
        for t in keys:
            s, h = counts.get(t)
            row = merged.setdefault(t[:MAX_TOKEN], [0, 0])
            row[0] += s
            row[1] += h
        TokenCount.objects.bulk_create(
            (TokenCount(token=t, spam=s, ham=h) for t, (s, h) in merged.items()),
            batch_size=2000,
        )
        FilterTotals.objects.update_or_create(
            pk=1,
            defaults={
                "nspam": counts.nspam,
                "nham": counts.nham,
                "spam_tokens": counts.spam_tokens,
                "ham_tokens": counts.ham_tokens,
                "trained_at": timezone.now(),
            },
        )
    return len(merged)
