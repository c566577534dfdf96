"""A large import into an empty comment table: the table's foreign keys dropped for the load
and added again (PostgreSQL), exactly as they were, with the same result; the posts' and their
tag links' too when those tables are nearly empty. The indexes stay in place."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from comments.models import Comment
from posts.models import Post
from transfer import bulkload
from transfer.tests.conftest import real, run
from transfer.tests.test_real_files import IMPORTED
from transfer.tests.test_real_wordpress import counts

pytestmark = pytest.mark.django_db


DEFERRED_TABLES = ("comments_comment", "posts_post", "posts_taggedpost")


def table_schema(table="comments_comment"):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = %s::regclass ORDER BY 1",
                [table],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass ORDER BY 1",
                [table],
            )
            return indexes, cursor.fetchall()
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = %s ORDER BY 1", [table]
        )
        return cursor.fetchall()


def schemas():
    return {table: table_schema(table) for table in DEFERRED_TABLES}


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
    before = schemas()
    run("import_blogger", real(name))
    assert tuple(counts().values()) == IMPORTED[name]
    assert schemas() == before
    assert len(deferring) == 3  # comments, posts, tag links
    if connection.vendor == "postgresql":
        comments, posts, tag_links = deferring
        # the four foreign keys (post, page, parent, user), and nothing else
        assert sum("FOREIGN KEY" in sql for sql in comments) == len(comments) == 4
        assert sum("FOREIGN KEY" in sql for sql in posts) == len(posts) == 1  # the author
        assert sum("FOREIGN KEY" in sql for sql in tag_links) == len(tag_links) == 2
    else:
        assert deferring == [[], [], []]  # SQLite keeps them (see transfer.bulkload)


def test_the_rows_after_a_deferred_import_get_fresh_ids(deferring):
    run("import_blogger", real("blogger-wgdd-www.xml"))
    posts, comments = set(Post.objects.values_list("pk", flat=True)), Comment.objects.count()
    author = get_user_model().objects.create(username="after")
    post = Post.objects.create(title="After", slug="after", author=author, body="new")
    comment = Comment.objects.create(post=post, name="Reader", body="hi", status="approved")
    assert post.pk > max(posts)
    assert Comment.objects.count() == comments + 1
    assert comment.pk > max(Comment.objects.exclude(pk=comment.pk).values_list("pk", flat=True))
    post.refresh_from_db()
    assert post.comment_count == 1


def test_a_site_with_comments_is_not_locked_for_the_import(deferring, monkeypatch):
    monkeypatch.setattr(bulkload, "MAX_EXISTING_COMMENTS", 5)
    run("import_blogger", real("blogger-wgdd-www.xml"))  # 108 comments: now more than 5
    first = len(deferring)
    run("import_wordpress", real("wxr-wpimporter-theme-unit-test-data.xml"))
    assert first == 3
    assert len(deferring) == first  # the first import only


# (committed first: PostgreSQL refuses to drop a foreign key to a table that has rows
# waiting for their own keys' checks in the same transaction, as a test's own posts would)
@pytest.mark.django_db(transaction=True)
def test_a_site_with_posts_keeps_the_posts_keys_in_place(deferring, monkeypatch):
    monkeypatch.setattr(bulkload, "MAX_EXISTING_COMMENTS", 5)
    author = get_user_model().objects.create(username="owner")
    for n in range(5):
        Post.objects.create(title=f"Old {n}", slug=f"old-{n}", author=author, body="old")
    before = schemas()
    run("import_blogger", real("blogger-wgdd-www.xml"))
    assert len(deferring) == 1  # the comment table only: the posts' is in use
    assert schemas() == before


def test_a_small_file_is_imported_with_its_keys_in_place(monkeypatch):
    assert not bulkload.should_defer(bulkload.MIN_FILE_BYTES - 1)
    assert bulkload.should_defer(bulkload.MIN_FILE_BYTES)
