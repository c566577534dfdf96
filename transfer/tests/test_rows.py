"""The fast row writer stores what ``bulk_create`` would, and the import keeps what a second pass
of the sanitiser would make of each body."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from comments.models import Comment
from posts.markup import render
from posts.models import Page, Post, TaggedPost
from transfer.importer import COMMENT_COLUMNS, SCORE_COLUMNS, TAGGED_POST_COLUMNS
from transfer.rows import CopyStream, RowWriter, instance_columns
from transfer.tests.conftest import CLASSIC, TAKEOUT, WXR, run

pytestmark = pytest.mark.django_db
WHEN = datetime(2014, 4, 1, 9, 15, tzinfo=timezone(timedelta(hours=-7)))
SKIP = {"id", "updated_at", "import_id", "slug"}  # differ between the two copies by design


def stored(model, pk):
    return {k: v for k, v in model.objects.filter(pk=pk).values()[0].items() if k not in SKIP}


@pytest.fixture
def post():
    author = get_user_model().objects.create(username="author")
    post = Post(title="T", slug="t", author=author, body="b", body_html="b", published_at=WHEN)
    post.save()
    return post


def test_a_comment_row_is_stored_as_bulk_create_stores_it(post):
    values = {
        "post_id": post.pk,
        "page_id": None,
        "parent_id": None,
        "depth": 1,
        "thread_id": None,
        "path": "",
        "name": "Priya",
        "email": "p@example.org",
        "url": "https://p.example.org/",
        "user_id": None,
        "body": "<b>hi</b>",
        "body_format": "html",
        "body_html": "<b>hi</b>",
        "status": "pending",
        "created_at": WHEN,
        "score": 0.25,
        "reasons": ["a link"],
        "kind": "mention",
        "channel": "import",
    }
    Comment.objects.bulk_create([Comment(pk=900001, import_id="x:1", **values)])
    writer = RowWriter(Comment, COMMENT_COLUMNS + SCORE_COLUMNS)
    values.update(id=900002, import_id="x:2")
    writer.add(tuple(values[name] for name in COMMENT_COLUMNS + SCORE_COLUMNS))
    writer.flush()
    assert stored(Comment, 900002) == stored(Comment, 900001)
    # The defaults the writer filled in, as the model's.
    assert Comment.objects.get(pk=900002).reasons == ["a link"]


def test_defaults_and_instances_are_stored_as_bulk_create_stores_them(post):
    Comment.objects.bulk_create([Comment(pk=900001, post=post, name="a", body="b")])
    writer = RowWriter(Comment, ("id", "post_id", "name", "body"))
    writer.add((900002, post.pk, "a", "b"))
    writer.flush()
    first, second = stored(Comment, 900001), stored(Comment, 900002)
    assert abs(first.pop("created_at") - second.pop("created_at")) < timedelta(minutes=1)
    assert first == second

    page = Page(pk=900001, title="About", slug="about", body="b", created_at=WHEN)
    Page.objects.bulk_create([page])
    page.pk, page.slug = 900002, "about-2"
    writer = RowWriter(Page, instance_columns(Page))
    writer.add_instance(page)
    writer.flush()
    assert stored(Page, 900002) == stored(Page, 900001)

    writer = RowWriter(TaggedPost, TAGGED_POST_COLUMNS)
    post.tags.add("ecg")
    tag_id = TaggedPost.objects.get().tag_id
    writer.add((tag_id, post.pk))
    writer.flush()
    assert (
        list(TaggedPost.objects.values_list("tag_id", "content_object_id"))
        == [(tag_id, post.pk)] * 2
    )


@pytest.mark.parametrize(
    "value",
    [
        None,
        WHEN,
        datetime(2014, 3, 30, 1, 30, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(2026, 11, 29, 4, 44, 21, 123456, tzinfo=UTC),
        datetime(2014, 4, 1, 9, 15),  # naive: Django's own conversion
    ],
)
def test_datetime_adapter_is_djangos(value):
    writer = RowWriter(Comment, ("created_at",))
    [(_, adapt)] = writer.adapters
    assert adapt(value) == connection.ops.adapt_datetimefield_value(value)


@pytest.mark.parametrize("fixture", [CLASSIC, TAKEOUT, WXR])
def test_imported_html_is_what_rendering_the_stored_source_gives(fixture):
    """The sanitiser runs once when it leaves the file's HTML unchanged: what is stored must be
    what a second pass (as saving the object would do) gives."""
    run("import_wordpress" if fixture == WXR else "import_blogger", fixture)
    for model, comment in [(Post, False), (Page, False), (Comment, True)]:
        rows = model.objects.filter(body_format="html").values_list("body", "body_html")
        assert rows
        for body, body_html in rows:
            assert body_html == render(body, "html", comment=comment)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_copy_stream_is_finished_before_any_other_statement(post):
    with transaction.atomic(), CopyStream(connection) as stream:
        writer = RowWriter(Comment, ("id", "post_id", "name", "body"), stream)
        writer.add((900001, post.pk, "a", "b"))
        writer.flush()
        assert stream.statement  # still open
        assert Comment.objects.filter(pk=900001).exists()
        assert stream.statement is None
        writer.add((900002, post.pk, "a", "b"))
        writer.flush()
    assert Comment.objects.count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_copy_stream_is_aborted_by_an_error(post):
    with pytest.raises(ZeroDivisionError), transaction.atomic(), CopyStream(connection) as stream:
        writer = RowWriter(Comment, ("id", "post_id", "name", "body"), stream)
        writer.add((900001, post.pk, "a", "b"))
        writer.flush()
        1 / 0  # noqa: B018
    assert not Comment.objects.exists()
    assert Post.objects.get() == post  # the connection is usable


@pytest.mark.skipif(connection.vendor != "sqlite", reason="literal defaults are SQLite's")
def test_defaults_written_as_sql_literals_read_back_as_the_bound_values():
    values = [None, False, True, 3, "", "[]", "it's 100%s, %% and %(x)s"]
    literals = RowWriter._sql_literals(values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(literals), [])  # (as executemany: with parameters)
        assert cursor.fetchone() == (None, 0, 1, 3, "", "[]", "it's 100%s, %% and %(x)s")
    assert RowWriter._sql_literals([None, 0.5]) is None  # bound, as before
