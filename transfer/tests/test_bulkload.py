"""A large import into an empty comment table: the table's indexes and foreign keys dropped
for the load and built again (PostgreSQL), exactly as they were, with the same result."""

import pytest
from django.db import connection

from transfer import bulkload
from transfer.tests.conftest import real, run
from transfer.tests.test_real_files import IMPORTED
from transfer.tests.test_real_wordpress import counts

pytestmark = pytest.mark.django_db


def comment_table_schema():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = 'comments_comment'::regclass ORDER BY 1"
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'comments_comment'::regclass ORDER BY 1"
            )
            return indexes, cursor.fetchall()
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'comments_comment' ORDER BY 1"
        )
        return cursor.fetchall()


@pytest.fixture
def deferring(monkeypatch):
    """Every import counts as large; the statements each one rebuilt."""
    monkeypatch.setattr(bulkload, "MIN_FILE_BYTES", 0)
    rebuilt = []
    original = bulkload.deferred

    def spy(*args):
        found = original(*args)
        rebuilt.append(found.statements)
        return found

    monkeypatch.setattr(bulkload, "deferred", spy)
    return rebuilt


def test_a_deferred_import_gives_the_same_rows_and_the_same_table(deferring):
    name = "blogger-wgdd-www.xml"
    before = comment_table_schema()
    run("import_blogger", real(name))
    assert tuple(counts().values()) == IMPORTED[name]
    assert comment_table_schema() == before
    assert len(deferring) == 1
    if connection.vendor == "postgresql":
        # the secondary indexes and the four foreign keys (post, page, parent, user)
        assert sum("FOREIGN KEY" in sql for sql in deferring[0]) == 4
        assert sum(sql.startswith("CREATE") for sql in deferring[0]) >= 9
    else:
        assert deferring[0] == []  # SQLite keeps them (see transfer.bulkload)


def test_a_site_with_comments_is_not_locked_for_the_import(deferring, monkeypatch):
    monkeypatch.setattr(bulkload, "MAX_EXISTING_COMMENTS", 5)
    run("import_blogger", real("blogger-wgdd-www.xml"))  # 108 comments: now more than 5
    run("import_wordpress", real("wxr-wpimporter-theme-unit-test-data.xml"))
    assert len(deferring) == 1  # the first import only


def test_a_small_file_is_imported_with_its_indexes_in_place(monkeypatch):
    assert not bulkload.should_defer(bulkload.MIN_FILE_BYTES - 1)
    assert bulkload.should_defer(bulkload.MIN_FILE_BYTES)
