import pytest
from django.contrib.auth import get_user_model
from django.contrib.redirects.models import Redirect
from django.core.management.base import CommandError

from comments.models import Comment
from comments.moderator import Moderator, Verdict
from posts.models import Page, Post
from transfer.models import ImportLog
from transfer.tests.conftest import CLASSIC, TAKEOUT, run, snapshot

pytestmark = pytest.mark.django_db


def tree(post):
    """``[(depth, name, status)]`` in thread order."""
    return [(c.depth, c.name, c.status) for c in post.comments.order_by("path")]


def test_classic_export_imports_posts_pages_and_labels():
    out, err = run("import_blogger", CLASSIC)
    assert "imported 4 posts (1 drafts, 1 scheduled), 1 pages, 6 comments" in out
    ecg = Post.objects.get(import_id="blogger:1001")
    assert ecg.slug == "reading-ecg"
    assert ecg.status == "published" and ecg.is_public
    assert ecg.published_at.isoformat() == "2014-04-01T06:30:00+00:00"  # -07:00 kept
    assert sorted(ecg.tags.names()) == ["ECG", "cardiology"]
    assert ecg.body_format == "html" and ecg.author.username == "dr-amara-okafor"
    assert not ecg.author.has_usable_password()
    fever = Post.objects.get(import_id="blogger:1002")
    assert fever.title == "Fieber beim Säugling – 小児の発熱"
    assert sorted(fever.tags.names()) == ["Pädiatrie", "小児科"]
    assert fever.author.username == "jonas-weber" and fever.author.email == "jonas@example.org"
    assert Post.objects.get(import_id="blogger:1003").status == "draft"
    assert Post.objects.get(import_id="blogger:1004").is_scheduled
    page = Page.objects.get(import_id="blogger:2001")
    assert (page.slug, page.is_published) == ("about", True)
    assert "BLOG_COMMENT_MODERATION=DATE" in out
    assert "warning: created user 'dr-amara-okafor'" in err
    assert ImportLog.objects.get().counts["posts"] == 4


def test_threads_keep_their_shape_even_when_replies_come_first():
    run("import_blogger", CLASSIC)
    ecg = Post.objects.get(import_id="blogger:1001")
    assert tree(ecg) == [
        (1, "Priya", "approved"),
        (2, "Dr. Amara Okafor", "approved"),
        (3, "Priya", "approved"),  # a reply to a reply, listed first in the file
        (1, "Tom H.", "removed"),
        (2, "Анна", "approved"),  # a reply to a removed comment
        (1, "Anonymous", "approved"),
    ]
    reply = Comment.objects.get(import_id="blogger:5004")
    assert reply.parent.import_id == "blogger:5002"
    assert reply.parent.parent.import_id == "blogger:5001"
    assert reply.thread_id == reply.parent.parent.pk
    assert reply.path == "/".join(
        f"{pk:010d}" for pk in (reply.thread_id, reply.parent_id, reply.pk)
    )
    assert reply.url == "https://priya.example.net/" and reply.email == ""
    assert reply.created_at.isoformat() == "2014-04-03T18:00:00+00:00"
    ecg.refresh_from_db()
    assert ecg.comment_count == 5
    assert list(Comment.objects.filter(post=ecg).visible().values_list("name", flat=True)) == [
        "Priya", "Dr. Amara Okafor", "Priya", "Tom H.", "Анна", "Anonymous",
    ]  # fmt: skip


def test_imported_threads_match_what_comment_save_computes():
    run("import_blogger", CLASSIC)
    ecg = Post.objects.get(import_id="blogger:1001")
    parent = Comment.objects.get(import_id="blogger:5004")
    made = Comment.objects.create(post=ecg, parent=parent, name="x", body="y")
    assert made.depth == 4 and made.path.startswith(parent.path + "/")


def test_bodies_are_cleaned_by_the_sanitiser():
    run("import_blogger", CLASSIC)
    body = Post.objects.get(import_id="blogger:1001").body_html
    assert "<script" not in body and "onclick" not in body and "evil.example" not in body
    assert 'src="https://www.youtube.com/embed/abc123"' in body
    spam = Comment.objects.get(import_id="blogger:5006")
    assert "javascript:" not in spam.body_html and "onerror" not in spam.body_html
    assert "<script" not in Post.objects.get(import_id="blogger:1001").body


def test_second_run_changes_nothing():
    run("import_blogger", CLASSIC)
    before = snapshot()
    out, _ = run("import_blogger", CLASSIC)
    assert "imported 0 posts" in out and "already imported" in out
    assert snapshot() == before
    assert ImportLog.objects.count() == 2


def test_a_later_export_adds_only_what_is_new(classic_xml, write):
    run("import_blogger", CLASSIC)
    new_reply = """<entry>
<id>tag:blogger.com,1999:blog-7712345.post-5999</id>
<published>2016-01-01T10:00:00.000Z</published>
<category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
<content type='html'>Late reply</content>
<link rel='related' type='application/atom+xml' href='https://www.blogger.com/feeds/7712345/1001/comments/default/5004'/>
<author><name>Late</name></author>
<thr:in-reply-to ref='tag:blogger.com,1999:blog-7712345.post-1001'/>
</entry></feed>"""
    before = snapshot()
    out, _ = run("import_blogger", write(classic_xml.replace("</feed>", new_reply)))
    assert "1 comments" in out
    late = Comment.objects.get(import_id="blogger:5999")
    assert late.parent.import_id == "blogger:5004" and late.depth == 4
    assert late.post.comment_count == 6
    assert len(snapshot()["comments.Comment"]) == len(before["comments.Comment"]) + 1


def test_old_urls_redirect_to_the_new_ones(client):
    run("import_blogger", CLASSIC)
    ecg = Post.objects.get(import_id="blogger:1001")
    # Blogger used the blog's time zone (-07:00): March there, April in UTC.
    response = client.get("/2014/03/reading-ecg.html")
    assert response.status_code == 301 and response["Location"] == ecg.get_absolute_url()
    assert client.get(ecg.get_absolute_url()).status_code == 200
    fever = Post.objects.get(import_id="blogger:1002")
    response = client.get("/2015/07/fieber-beim-saugling.html")
    assert response.status_code == 301 and response["Location"] == fever.get_absolute_url()
    response = client.get("/p/about.html")
    assert response.status_code == 301 and response["Location"] == "/p/about/"
    assert client.get("/p/about/").status_code == 200


def test_slug_collision_gets_a_new_slug_and_a_redirect(client, django_user_model):
    someone = django_user_model.objects.create(username="someone")
    Post.objects.create(title="Other", slug="fieber-beim-saugling", author=someone, status="draft")
    _, err = run("import_blogger", CLASSIC)
    fever = Post.objects.get(import_id="blogger:1002")
    assert fever.slug == "fieber-beim-saugling-2"
    assert "slug 'fieber-beim-saugling' is taken" in err
    redirect = Redirect.objects.get(old_path="/2015/07/fieber-beim-saugling.html")
    assert redirect.new_path == fever.get_absolute_url()
    # The old URL is answered by the redirect once posts' view finds no such published post.
    response = client.get("/2015/07/fieber-beim-saugling.html")
    assert response.status_code == 301 and response["Location"] == fever.get_absolute_url()


def test_dry_run_saves_nothing():
    out, _ = run("import_blogger", CLASSIC, dry_run=True)
    assert (
        out.startswith("blog settings")
        and "dry run, nothing saved: would have imported 4 posts" in out
    )
    assert not Post.objects.exists() and not Comment.objects.exists()
    assert not Page.objects.exists() and not Redirect.objects.exists()
    assert not get_user_model().objects.exists()
    assert ImportLog.objects.get().dry_run


def test_author_option_and_matching_existing_users(django_user_model):
    editor = django_user_model.objects.create(username="editor")
    jonas = django_user_model.objects.create(username="jw", email="Jonas@example.org")
    run("import_blogger", CLASSIC, author="editor")
    assert Post.objects.get(import_id="blogger:1001").author == editor
    assert Post.objects.get(import_id="blogger:1002").author == jonas  # matched by email
    assert django_user_model.objects.count() == 2


def test_unknown_author_option_is_refused():
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run("import_blogger", CLASSIC, author="nobody")


def test_author_matched_by_name(django_user_model):
    amara = django_user_model.objects.create(
        username="amara", first_name="Dr.", last_name="Amara Okafor"
    )
    run("import_blogger", CLASSIC)
    assert Post.objects.get(import_id="blogger:1001").author == amara


class FlagPills(Moderator):
    def __init__(self):
        self.records = []

    def evaluate(self, comment):
        if "Great post" in comment.body:
            return Verdict("spam", 0.99, ["link to javascript"])
        if "Priya" in comment.name:
            return Verdict("hold", 0.6, ["looks odd"])
        return Verdict("approve", 0.1, [])

    def record(self, comment, old_status, new_status, actor=None, reason=""):
        self.records.append((comment.import_id, old_status, new_status, reason))


def test_score_holds_what_the_filter_flags(monkeypatch):
    moderator = FlagPills()
    monkeypatch.setattr("transfer.importer.get_moderator", lambda: moderator)
    out, _ = run("import_blogger", CLASSIC, score=True)
    spam = Comment.objects.get(import_id="blogger:5006")
    assert (spam.status, spam.score, spam.reasons) == ("spam", 0.99, ["link to javascript"])
    assert Comment.objects.get(import_id="blogger:5001").status == "pending"
    assert Comment.objects.get(import_id="blogger:5002").score == 0.1
    assert Comment.objects.get(import_id="blogger:5003").status == "removed"  # not rescored
    assert (
        "blogger:5006",
        "approved",
        "spam",
        "import --score: link to javascript",
    ) in moderator.records
    assert "3 held or marked spam by --score" in out


def test_apply_blog_settings_sets_the_policy_once():
    from moderation.models import Policy

    Policy.objects.filter(pk=1).update(moderate="never", moderate_after_days=0)
    out, _ = run("import_blogger", CLASSIC, apply_blog_settings=True)
    policy = Policy.objects.get()
    assert (policy.moderate, policy.moderate_after_days) == ("older_than", 14)
    assert policy.captcha_anonymous and policy.comments_allowed
    assert policy.comment_access == "anyone"
    assert "moderation policy fields set" in out
    saved = policy.updated_at
    run("import_blogger", CLASSIC, apply_blog_settings=True)  # the second run changes no row
    policy.refresh_from_db()
    assert policy.updated_at == saved


def test_blog_settings_map_to_policy_fields():
    from transfer.blog_settings import policy_values

    assert policy_values(
        {
            "BLOG_COMMENT_MODERATION": "DATE",
            "BLOG_COMMENT_MODERATION_DELAY": "14",
            "BLOG_COMMENT_CAPTCHA": "true",
            "BLOG_COMMENT_ACCESS": "BLOGGERS",
            "BLOG_COMMENTS_ALLOWED": "false",
        }
    ) == {
        "moderate": "older_than",
        "moderate_after_days": 14,
        "captcha_anonymous": True,
        "comment_access": "registered",
        "comments_allowed": False,
    }


def test_takeout_feed_imports_states_and_threads():
    out, _ = run("import_blogger", TAKEOUT)
    assert "imported 4 posts" in out and "1 trashed posts (kept as drafts)" in out
    sepsis = Post.objects.get(import_id="blogger:3001")
    assert sepsis.slug == "sepsis-first-hour" and sepsis.is_public
    assert sorted(sepsis.tags.names()) == ["infectious disease", "émergence"]
    assert sepsis.created_at.isoformat() == "2019-11-02T08:00:00+00:00"
    assert Post.objects.get(import_id="blogger:3002").status == "draft"
    assert Post.objects.get(import_id="blogger:3003").is_scheduled
    trashed = Post.objects.get(import_id="blogger:3004")
    assert trashed.status == "draft" and not trashed.is_public
    assert Page.objects.get(import_id="blogger:3005").slug == "contact"
    assert tree(sepsis) == [
        (1, "Léa", "approved"),
        (2, "Ines Moreau", "approved"),
        (3, "Marc", "approved"),
        (1, "cheap pills", "spam"),
        (1, "Sam", "removed"),
    ]
    before = snapshot()
    run("import_blogger", TAKEOUT)
    assert snapshot() == before


TAKEOUT_DETAILS = """<?xml version='1.0' encoding='utf-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
  <id>tag:blogger.com,1999:blog-99</id>
  <title>Ward notes</title>
  <entry>
    <id>tag:blogger.com,1999:blog-99.post-1</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Ines</name></author>
    <title>The nurse&amp;#39;s view &amp;amp; ours</title>
    <content type='html'>&lt;p&gt;Hi&lt;/p&gt;</content>
    <published>2020-03-01T08:00:00.000Z</published>
    <category scheme='http://www.blogger.com/atom/ns#' term='ward rounds'/>
    <category scheme='tag:blogger.com,1999:blog-99' term='nursing'/>
    <category term='teaching'/>
    <blogger:filename>/2020/03/nurses-view.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-99.post-2</id>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>SPAM_COMMENT</blogger:status>
    <blogger:parent>tag:blogger.com,1999:blog-99.post-1</blogger:parent>
    <author><name>pills</name></author>
    <content type='html'>cheap pills</content>
    <published>2020-03-02T08:00:00.000Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-99.post-3</id>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>DELETED</blogger:status>
    <blogger:parent>tag:blogger.com,1999:blog-99.post-1</blogger:parent>
    <author><name>Sam</name></author>
    <content type='html'>oops</content>
    <published>2020-03-03T08:00:00.000Z</published>
  </entry>
</feed>
"""


def test_takeout_labels_of_any_scheme_titles_with_references_and_kept_states(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_text(TAKEOUT_DETAILS, encoding="utf-8")
    run("import_blogger", str(path))
    post = Post.objects.get(import_id="blogger:1")
    assert post.title == "The nurse's view & ours"
    assert sorted(post.tags.names()) == ["nursing", "teaching", "ward rounds"]
    assert dict(post.comments.values_list("name", "status")) == {
        "pills": "spam",
        "Sam": "removed",
    }
