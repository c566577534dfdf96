"""Queries on a reader page's hot path, built and compiled by the ORM once per process.

On a cold post page, building and compiling its small queries (a few filters, a subquery or
two) cost the ORM several times what SQLite took to run them. ``rows(build, shape, values)``
builds ``build(*shape, *placeholders)`` once per process, database and shape, keeps its SQL,
and runs that with the real values put where the placeholders' parameters were, applying the
backend's converters as a queryset does. ``build`` must return a ``values_list`` queryset;
``shape`` holds what changes the SQL's text (a slice, a branch), ``values`` what only fills
its parameters (ids, times), in the placeholders' order: ``ID`` and ``WHEN`` below, one per
value, each used only where that value goes.
"""

import functools
from datetime import UTC, datetime, timedelta

from django.db import connections

# No real id is negative, and no post was published in 1901; distinct from each other.
IDS = tuple(-2_000_000_001 - n for n in range(4))
WHENS = tuple(
    datetime(1901, 1, 2, 3, 4, 5, tzinfo=UTC) + timedelta(microseconds=n) for n in range(4)
)
_SLOT = object()


@functools.lru_cache(maxsize=128)
def _compiled(build, alias, shape, kinds):
    """``(sql, slots, columns)``: the SQL, its parameters with each placeholder's replaced by
    ``(_SLOT, index)``, and the select's expressions (for the converters)."""
    connection = connections[alias]
    placeholders = _placeholders(kinds)
    compiler = build(*shape, *placeholders).query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    adapted = [_adapt(connection, value) for value in placeholders]
    slots = []
    for param in params:
        matches = [i for i, value in enumerate(adapted) if param == value]
        slots.append((_SLOT, matches[0]) if matches else param)
    return sql, tuple(slots), tuple(expression for expression, _, _ in compiler.select)


def _placeholders(kinds):
    ids, whens = iter(IDS), iter(WHENS)
    return [next(ids) if kind == "id" else next(whens) for kind in kinds]


def _adapt(connection, value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _kind(value):
    return "when" if isinstance(value, datetime) else "id"


def rows(build, shape=(), values=(), using="default"):
    """The rows of ``build``'s query for ``values`` (ids and aware datetimes), converted."""
    connection = connections[using]
    kinds = tuple(_kind(value) for value in values)
    sql, slots, columns = _compiled(build, using, tuple(shape), kinds)
    real = [_adapt(connection, value) for value in values]
    params = [real[p[1]] if isinstance(p, tuple) and p and p[0] is _SLOT else p for p in slots]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    converters = []
    for index, expression in enumerate(columns):
        funcs = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if funcs:
            converters.append((index, funcs, expression))
    if not converters:
        return found
    out = []
    for row in found:
        row = list(row)
        for index, funcs, expression in converters:
            value = row[index]
            for func in funcs:
                value = func(value, expression, connection)
            row[index] = value
        out.append(tuple(row))
    return out
