"""Comments on pages come over from every source (they were skipped before pages took any)."""

import pytest

from comments.models import Comment
from posts.models import Page
from transfer.tests.conftest import CLASSIC, TAKEOUT, real, run

pytestmark = pytest.mark.django_db

CLASSIC_ON_PAGE = """
<entry>
<id>tag:blogger.com,1999:blog-7712345.post-{id}</id>
<published>2014-05-0{day}T10:00:00.000-07:00</published>
<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
<title type='text'>{text}</title>
<content type='html'>{text}</content>
{related}
<author><name>{name}</name><email>noreply@blogger.com</email></author>
<thr:in-reply-to xmlns:thr='http://purl.org/syndication/thread/1.0' ref='tag:blogger.com,1999:blog-7712345.page-2001' source='https://www.blogger.com/feeds/7712345/posts/default/2001' type='text/html'/>
</entry>
"""
RELATED = "<link rel='related' type='application/atom+xml' href='https://www.blogger.com/feeds/7712345/2001/comments/default/{}'/>"

TAKEOUT_ON_PAGE = """
  <entry>
    <id>tag:blogger.com,1999:blog-8823456.post-{id}</id>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>{name}</name><blogger:type>ANONYMOUS</blogger:type></author>
    <title></title>
    <content type='html'>{text}</content>
    <published>2019-11-0{day}T10:00:00.000Z</published>
    <blogger:parent>tag:blogger.com,1999:blog-8823456.post-3005</blogger:parent>
    {reply}
  </entry>
"""


def with_entries(path, tmp_path, entries):
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.rpartition("</feed>")
    out = tmp_path / path.name
    out.write_text(head + "".join(entries) + "</feed>" + tail, encoding="utf-8")
    return out


def page_thread(page):
    return [
        (c.name, c.depth, c.parent.name if c.parent else None)
        for c in Comment.objects.filter(page=page).select_related("parent").order_by("path")
    ]


def test_real_blogger_export_keeps_the_eight_comments_on_its_page():
    out, _ = run("import_blogger", real("blogger-wgdd-www.xml"))
    assert "108 comments" in out and "8 comments on pages" in out
    page = Page.objects.get(slug="heart-of-gold")
    assert page.comment_count == 8
    on_page = Comment.objects.filter(page=page)
    assert on_page.count() == 8 and not on_page.filter(post__isnull=False).exists()
    assert {c.depth for c in on_page} == {1}  # none of them is a reply
    assert Comment.objects.filter(post__isnull=False).count() == 100  # the posts' as before


def test_real_wordpress_export_keeps_a_reply_on_a_page_under_its_parent():
    run("import_wordpress", real("wxr-wpimporter-theme-unit-test-data.xml"))
    reply = Comment.objects.get(page__isnull=False, parent__isnull=False)
    assert reply.parent.page_id == reply.page_id and reply.depth == 2
    assert reply.thread_id == reply.parent.thread_id


def test_classic_blogger_comment_and_reply_on_a_page(tmp_path):
    path = with_entries(
        CLASSIC,
        tmp_path,
        [
            CLASSIC_ON_PAGE.format(id=6001, day=1, text="Where are you based?", name="Ana",
                                   related=""),
            CLASSIC_ON_PAGE.format(id=6002, day=2, text="In Leeds.", name="Ward Rounds",
                                   related=RELATED.format(6001)),
        ],
    )  # fmt: skip
    out, _ = run("import_blogger", path)
    assert "8 comments" in out and "2 comments on pages" in out
    page = Page.objects.get(import_id="blogger:2001")
    assert page_thread(page) == [("Ana", 1, None), ("Ward Rounds", 2, "Ana")]
    assert page.comment_count == 2
    again, _ = run("import_blogger", path)  # a second import finds them
    assert Comment.objects.filter(page=page).count() == 2


def test_takeout_comment_and_reply_on_a_page(tmp_path):
    path = with_entries(
        TAKEOUT,
        tmp_path,
        [
            TAKEOUT_ON_PAGE.format(id=4101, day=6, text="Is there a phone?", name="Omar",
                                   reply=""),
            TAKEOUT_ON_PAGE.format(id=4102, day=7, text="Yes, see above.", name="Ines",
                                   reply="<blogger:inReplyTo>4101</blogger:inReplyTo>"),
        ],
    )  # fmt: skip
    run("import_blogger", path)
    page = Page.objects.get(slug="contact")
    assert page_thread(page) == [("Omar", 1, None), ("Ines", 2, "Omar")]


def test_export_and_import_keep_a_pages_comments(tmp_path):
    page = Page.objects.create(title="About", slug="about", body="Us.", allow_comments=False)
    first = Comment.objects.create(page=page, name="Ana", body="Hello")
    Comment.objects.create(page=page, parent=first, name="Ben", body="Hi Ana")
    exported = tmp_path / "export.xml"
    run("export_blogger", exported)
    Comment.objects.all().delete()
    Page.objects.all().delete()
    run("import_blogger", exported)
    page = Page.objects.get(slug="about")
    assert page_thread(page) == [("Ana", 1, None), ("Ben", 2, "Ana")]
    assert page.allow_comments is False and page.comment_count == 2
