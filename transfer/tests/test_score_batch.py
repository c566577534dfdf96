"""``--score`` over many comments: the filter set up once per import, one moderators' digest."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from moderation import digest
from moderation.models import BlockRule
from transfer.tests.conftest import run

pytestmark = pytest.mark.django_db

HEAD = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/thread/1.0'>
<id>tag:blogger.com,1999:blog-9</id><title type='text'>Batch</title>
<entry><id>tag:blogger.com,1999:blog-9.post-1</id>
<published>2020-01-01T10:00:00.000Z</published>
<category scheme='http://schemas.google.com/g/2005#kind'
  term='http://schemas.google.com/blogger/2008/kind#post'/>
<title type='text'>A post</title><content type='html'>About the ward round.</content>
<link rel='alternate' type='text/html' href='https://b.blogspot.com/2020/01/a-post.html'/>
<author><name>Owner</name></author></entry>
"""
COMMENT = """<entry><id>tag:blogger.com,1999:blog-9.post-{n}</id>
<published>2020-01-02T10:{minute:02d}:00.000Z</published>
<category scheme='http://schemas.google.com/g/2005#kind'
  term='http://schemas.google.com/blogger/2008/kind#comment'/>
<content type='html'>{body}</content>
<author><name>Reader {n}</name></author>
<thr:in-reply-to ref='tag:blogger.com,1999:blog-9.post-1'/></entry>
"""


def export(write, held, honest=2):
    bodies = [f"Buy cheap pillz number {n} today" for n in range(held)]
    bodies += [f"Thank you for round {n}, it helped." for n in range(honest)]
    entries = [COMMENT.format(n=100 + i, minute=i, body=b) for i, b in enumerate(bodies)]
    return write(HEAD + "".join(entries) + "</feed>\n", name=f"blog-{held}.xml")


@pytest.fixture
def hold_rule(db):
    return BlockRule.objects.create(kind="word", value="pillz", action="hold")


def test_held_comments_of_one_import_queue_one_digest(
    write, hold_rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        out, _ = run("import_blogger", export(write, held=5), score=True)
    assert Comment.objects.filter(status="pending").count() == 5
    assert "5 held or marked spam by --score" in out
    digests = [c for c in callbacks if c == digest.send_digest.enqueue]
    assert len(digests) == 1


def test_an_import_that_holds_nothing_queues_no_digest(
    write, hold_rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run("import_blogger", export(write, held=0, honest=3), score=True)
    assert not [c for c in callbacks if c == digest.send_digest.enqueue]


def queries_for(write, held, honest):
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from posts.models import Post

    Comment.objects.all().delete()
    Post.objects.all().delete()
    get_user_model().objects.all().delete()
    cache.clear()  # each import starts cold: the rules read once each time
    with CaptureQueriesContext(connection) as captured:
        run("import_blogger", export(write, held=held, honest=honest), score=True)
    return [q["sql"] for q in captured.captured_queries]


def test_scoring_reads_the_policy_rules_and_spam_memory_once_per_import(write, hold_rule):
    few = queries_for(write, held=2, honest=2)
    many = queries_for(write, held=6, honest=6)

    def reads(queries, table):
        return sum(q.startswith("SELECT") and f'FROM "{table}"' in q for q in queries)

    for table in ("moderation_rulesversion", "moderation_blockrule", "moderation_policy"):
        assert reads(many, table) == reads(few, table), table

    def spam_memory_reads(queries):
        return sum("\"trained_as\" = 'spam'" in q for q in queries)

    assert spam_memory_reads(many) == spam_memory_reads(few) == 1
    # eight more comments judged, four of them held (their post is read once, not each time)
    assert len(many) - len(few) == 8 * PER_SCORED + 4 * PER_HELD


# What judging one more comment asks the database, and why: a savepoint around the filter
# (two statements), the filter's totals and its counts of the comment's words, the recent
# comments' signatures (near-duplicates: the import's own comments are among them).
PER_SCORED = 5
# And a held one: the block rule's hit count, its signature (read, then written) and its
# decision in the moderation log.
PER_HELD = 4
