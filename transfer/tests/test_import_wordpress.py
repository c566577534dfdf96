import pytest
from django.contrib.redirects.models import Redirect

from comments.models import Comment
from posts.models import Page, Post
from transfer.tests.conftest import WXR, run, snapshot

pytestmark = pytest.mark.django_db


def test_wxr_import_posts_pages_tags_and_threaded_comments():
    out, _ = run("import_wordpress", WXR)
    assert "imported 2 posts (1 drafts, 0 scheduled), 1 pages, 5 comments" in out
    assert "1 skipped WordPress attachment" in out
    post = Post.objects.get(import_id="wp:42")
    assert (post.slug, post.status, post.summary) == (
        "difficult-airway",
        "published",
        "The DAS guidelines in one page.",
    )
    assert post.published_at.isoformat() == "2017-06-12T21:15:00+00:00"
    assert sorted(post.tags.names()) == ["Airway", "DAS"]
    assert post.author.email == "kofi@example.org"
    assert "<p>Plan A" in post.body_html and "<script" not in post.body_html
    assert Post.objects.get(import_id="wp:50").status == "draft"
    assert Page.objects.get(import_id="wp:7").slug == "about"
    tree = [(c.depth, c.name, c.status) for c in post.comments.order_by("path")]
    assert tree == [
        (1, "Hana", "approved"),
        (2, "Kofi Mensah", "approved"),
        (3, "Hana", "approved"),
        (1, "Rob", "pending"),
        (1, "best casino", "spam"),
    ]
    assert Comment.objects.get(import_id="wp:103").url == "https://hana.example.com"
    post.refresh_from_db()
    assert post.comment_count == 3


def test_wxr_old_permalinks_redirect(client):
    run("import_wordpress", WXR)
    post = Post.objects.get(import_id="wp:42")
    response = client.get("/2017/06/12/difficult-airway/")
    assert response.status_code == 301 and response["Location"] == post.get_absolute_url()
    assert Redirect.objects.filter(old_path="/?p=42").exists()
    response = client.get("/about/")
    assert response.status_code == 301 and response["Location"] == "/p/about/"


def test_wxr_second_run_changes_nothing():
    run("import_wordpress", WXR)
    before = snapshot()
    run("import_wordpress", WXR)
    assert snapshot() == before
