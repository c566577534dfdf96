"""import_disqus: Disqus comments onto the site's own posts, matched by their thread's path."""

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.redirects.models import Redirect
from django.core.management import CommandError

from comments.models import Comment
from moderation.models import Decision
from posts.models import Page, Post
from transfer.tests.conftest import real, run, snapshot

pytestmark = pytest.mark.django_db

NS = "{http://disqus.com}"
DSQ = "{http://disqus.com/disqus-internals}id"
WHEN = datetime(2015, 1, 2, 3, 4, tzinfo=UTC)


def make_post(slug, title="A post"):
    author = get_user_model().objects.get_or_create(username="owner")[0]
    post = Post(title=title, slug=slug, author=author, body="b", published_at=WHEN)
    post.save()
    return post


def posts_at_the_files_paths(path):
    """What an earlier import of the blog left: a post per commented thread path, and the old
    path as a redirect (read here with ElementTree, not with the code under test)."""
    root = ET.parse(path).getroot()
    used = Counter(p.find(f"{NS}thread").get(DSQ) for p in root.iter(f"{NS}post"))
    paths = set()
    for thread in root.iter(f"{NS}thread"):
        if thread.get(DSQ) in used and thread.find(f"{NS}link") is not None:
            paths.add(unquote(urlsplit(thread.find(f"{NS}link").text.strip()).path).rstrip("/"))
    for n, old in enumerate(sorted(paths)):
        post = make_post(f"post-{n}")
        Redirect.objects.create(site_id=1, old_path=old + "/", new_path=post.get_absolute_url())
    return len(paths)


def tally():
    comments = Comment.objects.filter(import_id__startswith="disqus:")
    return {
        "comments": comments.count(),
        "replies": comments.filter(parent__isnull=False).count(),
        "removed": comments.filter(status="removed").count(),
        "pending": comments.filter(status="pending").count(),
        "posts": comments.values("post").distinct().count(),
    }


def test_laisky_export_all_threads_matched_whatever_the_host():
    path = real("disqus-laisky.xml")
    assert posts_at_the_files_paths(path) == 59  # 61 threads: localhost and blog.laisky.com
    out, _ = run("import_disqus", path)
    assert "comments skipped" not in out
    assert tally() == {"comments": 209, "replies": 118, "removed": 4, "pending": 1, "posts": 59}
    # One article split over three threads (two on localhost) is one post's thread.
    post = Redirect.objects.get(old_path="/p/第三种黑猩猩/").new_path
    assert Comment.objects.filter(post__slug=post.rstrip("/").rsplit("/", 1)[-1]).count() == 3


def test_evanlin_export_spam_flags_are_held_with_the_reason():
    path = real("disqus-evanlin.xml")
    posts_at_the_files_paths(path)
    out, _ = run("import_disqus", path)
    counts = tally()
    assert (counts["comments"], counts["replies"], counts["removed"]) == (189, 74, 8)
    held = Comment.objects.filter(status="pending")
    assert held.count() == counts["pending"] > 0
    assert f"{held.count()} held: flagged as spam in the file" in out
    log = Decision.objects.filter(comment__in=held)
    assert log.count() == held.count()
    assert all("Disqus marked it as spam" in entry.reason for entry in log)


def test_threads_that_match_nothing_are_listed_not_created():
    out, err = run("import_disqus", real("disqus-isso.xml"))
    assert Post.objects.count() == 0 and Comment.objects.count() == 0
    assert "6 comments skipped (thread matches no post)" in out
    assert "4 comments skipped: http://example.org/ matches no post" in err
    assert "thread 1337 (not in the file)" in err


def test_isso_cases_once_the_posts_exist():
    make_post("hello")
    Redirect.objects.create(site_id=1, old_path="/", new_path=Post.objects.get().get_absolute_url())
    make_post("redacted")
    Redirect.objects.create(
        site_id=1,
        old_path="/blog/2013/02/12/redacted/",
        new_path=Post.objects.get(slug="redacted").get_absolute_url(),
    )
    out, _ = run("import_disqus", real("disqus-isso.xml"))
    assert "1 comments skipped" in out  # the one whose thread is not in the file
    hello = Comment.objects.filter(post__slug="hello")
    assert hello.count() == 4
    deleted = hello.get(import_id="disqus:9")
    assert deleted.status == "removed"
    assert hello.get(import_id="disqus:11").parent == deleted
    assert hello.get(import_id="disqus:5").parent.import_id == "disqus:4"
    assert Comment.objects.get(import_id="disqus:8").post.slug == "redacted"


def test_second_run_and_dry_run_change_nothing():
    path = real("disqus-laisky.xml")
    posts_at_the_files_paths(path)
    before = snapshot()
    out, _ = run("import_disqus", path, dry_run=True)
    assert out.startswith("dry run, nothing saved") and snapshot() == before
    run("import_disqus", path)
    after = snapshot()
    out, _ = run("import_disqus", path)
    assert "209 already imported" in out and snapshot() == after


def test_not_well_formed_file_is_refused_in_one_line():
    with pytest.raises(CommandError, match="this is not XML"):
        run("import_disqus", real("disqus-remark42.xml"))


FIXTURE = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="t1"><link>https://cache.example/{path}?utm=1</link><title>T</title></thread>
{posts}
</disqus>"""
ONE = """<post dsq:id="{id}"><message><![CDATA[<p>{text}</p><script>x()</script>]]></message>
<createdAt>2016-05-06T07:08:09Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
<author><name>{name}</name><email>r@example.org</email></author>
<thread dsq:id="t1"/>{parent}</post>"""


def fixture(path, *posts):
    return FIXTURE.format(path=path, posts="".join(ONE.format(**p) for p in posts))


def test_small_fixture_reply_before_parent_dates_and_sanitised_body(write):
    post = make_post("slug")
    path = write(
        fixture(
            post.get_absolute_url().lstrip("/"),
            {"id": "2", "text": "Reply", "name": "B", "parent": '<parent dsq:id="1"/>'},
            {"id": "1", "text": "First", "name": "A", "parent": ""},
        )
    )
    run("import_disqus", path)
    reply = Comment.objects.get(import_id="disqus:2")
    assert reply.parent.import_id == "disqus:1" and reply.depth == 2
    assert reply.created_at == datetime(2016, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert reply.body_html == "<p>Reply</p>" and reply.name == "B"
    post.refresh_from_db()
    assert post.comment_count == 2


def test_small_fixture_orphan_reply_is_a_comment_with_a_warning(write):
    post = make_post("slug")
    path = write(
        fixture(
            post.get_absolute_url().lstrip("/"),
            {"id": "2", "text": "Reply", "name": "B", "parent": '<parent dsq:id="99"/>'},
        )
    )
    out, err = run("import_disqus", path)
    assert Comment.objects.get(import_id="disqus:2").parent is None
    assert "parent comment 99 is not in the file" in err
    assert "1 replies without their parent made comments" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<rss version="2.0"><channel/></rss>', "root is <rss>, not a Disqus export"),
        (
            fixture("x/", {"id": "1", "text": "a", "name": "A", "parent": ""}).replace(
                "2016-05-06T07:08:09Z", "yesterday"
            ),
            "bad date 'yesterday'",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_saved(text, message, write):
    make_post("x")
    Redirect.objects.create(
        site_id=1, old_path="/x/", new_path=Post.objects.get().get_absolute_url()
    )
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        run("import_disqus", write(text))
    assert snapshot() == before


def test_a_thread_on_a_page_goes_to_the_page_with_its_reply(write):
    page = Page.objects.create(title="About", slug="about", body="Us.")
    path = write(
        fixture(
            "p/about/",
            {"id": "1", "text": "First", "name": "A", "parent": ""},
            {"id": "2", "text": "Reply", "name": "B", "parent": '<parent dsq:id="1"/>'},
        )
    )
    out, _ = run("import_disqus", path)
    assert "comments skipped" not in out
    reply = Comment.objects.get(import_id="disqus:2")
    assert (reply.page, reply.post, reply.parent.page, reply.depth) == (page, None, page, 2)
    page.refresh_from_db()
    assert page.comment_count == 2
