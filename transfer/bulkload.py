"""A large import into a (nearly) empty site: the foreign keys of the tables it fills most
(comments; posts and tag links on a new site) added back once, at the end (PostgreSQL).

A deferred foreign key is checked at commit by a trigger and a query per key per row: for the
benchmark's 100,000 comments and 10,000 posts about two seconds of waiting at the end. Added
back after the rows are in, a key is checked by one join over the table (a tenth of that).

The indexes stay in place. The rows go in through a ``COPY`` kept open while the importer reads
the file (``transfer.rows.CopyStream``), so the server keeps them up to date on the other core
as they come; dropped and built again at the end, they were waited for (on the benchmark about
1.5 s more in all). SQLite cannot drop a foreign key without rebuilding the table, and needs
the indexes on the key columns while the rows go in (with a reply waiting for its parent, each
new row is looked up among the rows that refer to it), so nothing is dropped there.

Only inside the import's transaction, and only when the table holds few rows (so a site that
already lives on its comments is not locked for the import's length: on PostgreSQL dropping a
constraint locks the table until the commit): :func:`deferred` drops the foreign keys,
remembering each one's definition as the database states it, and :meth:`Deferred.restore`
adds them again from those definitions, exactly as they were. A failure anywhere rolls the
whole transaction back, definitions included; a row whose key points nowhere refuses the
import, as the check at commit would have.
"""

from django.db import connections, router

from comments.models import Comment

# Deferred when the table holds fewer comments than this and the file is at least this large.
MAX_EXISTING_COMMENTS = 1000
MIN_FILE_BYTES = 8 * 2**20


class Deferred:
    def __init__(self, connection, statements):
        self.connection = connection
        self.statements = statements  # what adds them again, in order

    def restore(self):
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
    """PostgreSQL: drop ``model``'s foreign keys now; return the :class:`Deferred` that adds
    them again. Call inside a transaction."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return Deferred(connection, [])
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        # As the server writes them back (DEFERRABLE INITIALLY DEFERRED included).
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        keys = cursor.fetchall()
        for name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    return Deferred(
        connection,
        [f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {sql}" for name, sql in keys],
    )
