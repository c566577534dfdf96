"""A large import into a (nearly) empty comment table: its indexes built once, at the end
(and the posts' and tag links' on a new site: see ``Importer.run``).

Keeping a dozen secondary indexes of the comment table up to date row by row was most of the
database's work in the benchmark's import (100,000 comments: each row an entry in every index,
on PostgreSQL each written to the WAL), and on PostgreSQL checking each row's foreign keys at
commit (a trigger and a query per key per row) was seconds more. Built after the rows are in,
an index is one sort; a foreign key added back is checked by one join over the table.

PostgreSQL only: SQLite needs the indexes on the foreign-key columns while the rows go in (with
a reply waiting for its parent, each new row is looked up among the rows that refer to it:
without them the import takes minutes), and the rest saved too little to matter.

Only inside the import's transaction, and only when the table holds few comments (so a site
that already lives on its comments is not locked for the import's length: on PostgreSQL
dropping an index locks the table until the commit): :func:`deferred` drops the secondary
indexes (and the foreign keys) of the comment table, remembering each one's own
definition as the database states it, and :meth:`Deferred.restore` creates them again from
those definitions, exactly as they were. A failure anywhere rolls the whole transaction back,
definitions included; a unique index whose rows are not unique refuses the import, as the
insert would have.
"""

from django.db import connections, router

from comments.models import Comment

# Deferred when the table holds fewer comments than this and the file is at least this large.
MAX_EXISTING_COMMENTS = 1000
MIN_FILE_BYTES = 8 * 2**20


class Deferred:
    def __init__(self, connection, statements):
        self.connection = connection
        self.statements = statements  # what creates them again, in order
        self.restored = False

    def restore(self):
        if self.restored:
            return
        self.restored = True
        with self.connection.cursor() as cursor:
            for sql in self.statements:
                cursor.execute(sql)


def should_defer(file_bytes, *, min_file_bytes=None):
    """Is this import large, and the comment table nearly empty?"""
    if file_bytes < (MIN_FILE_BYTES if min_file_bytes is None else min_file_bytes):
        return False
    return holds_few(Comment)


def holds_few(model):
    """Does ``model``'s table hold fewer rows than :data:`MAX_EXISTING_COMMENTS` (so that
    locking it for the import's length locks out no live site)?"""
    return model.objects.all()[:MAX_EXISTING_COMMENTS].count() < MAX_EXISTING_COMMENTS


def deferred(model=Comment):
    """PostgreSQL: drop ``model``'s secondary indexes and its foreign keys now; return the
    :class:`Deferred` that creates them again. Call inside a transaction."""
    connection = connections[router.db_for_write(model)]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return Deferred(connection, [])
        drops, creates = _postgresql(cursor, connection, table)
        for sql in drops:
            cursor.execute(sql)
    return Deferred(connection, creates)


def _postgresql(cursor, connection, table):
    quote = connection.ops.quote_name
    # Foreign keys of the table, as the server writes them back (DEFERRABLE... included).
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [quote(table)],
    )
    keys = cursor.fetchall()
    # Indexes that back no constraint (the primary key and UNIQUE columns stay).
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
        "ORDER BY c.relname",
        [quote(table)],
    )
    indexes = cursor.fetchall()
    drops = [f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}" for name, _ in keys]
    drops += [f"DROP INDEX {quote(name)}" for name, _ in indexes]
    creates = [sql for _, sql in indexes]
    creates += [
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
        for name, definition in keys
    ]
    return drops, creates
