from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.redirects.models import Redirect
from django.utils import timezone
from taggit.models import Tag

from comments.models import Comment
from posts.models import Page, Post
from transfer.tests.conftest import CLASSIC, run

pytestmark = pytest.mark.django_db


def seed():
    User = get_user_model()
    ada = User.objects.create(
        username="ada", email="ada@example.org", first_name="Ada", last_name="L"
    )
    bob = User.objects.create(username="bob", email="bob@example.org")
    now = timezone.now().replace(microsecond=123000)
    one = Post.objects.create(
        title="Heart *failure* – Herzinsuffizienz",
        slug="heart-failure",
        author=ada,
        body="# BNP\n\nMarkdown **source** with <em>html</em>.\n",
        summary="Short",
        status="published",
        published_at=now - timedelta(days=400),
        allow_comments=False,
    )
    one.tags.add("cardiology", "Kardiologie ♥")
    Post.objects.create(title="Draft", slug="draft-1", author=bob, body="wip", status="draft")
    Post.objects.create(
        title="Later", slug="later", author=ada, body="soon", status="published",
        published_at=now + timedelta(days=30),
    )  # fmt: skip
    Post.objects.create(
        title="Imported", slug="imported-html", author=ada, body="<p>old <b>html</b></p>",
        body_format="html", status="published", published_at=now - timedelta(days=900),
    )  # fmt: skip
    Page.objects.create(title="About", slug="about", body="About *us*")
    Page.objects.create(
        title="Hidden", slug="hidden", body="x", is_published=False, show_in_menu=False
    )
    top = Comment.objects.create(
        post=one,
        name="Ann",
        email="ann@example.com",
        url="https://ann.example",
        body="First *comment*",
        created_at=now - timedelta(days=3),
    )
    reply = Comment.objects.create(
        post=one,
        parent=top,
        name="Ada",
        user=ada,
        body="A reply",
        created_at=now - timedelta(days=2),
    )
    Comment.objects.create(
        post=one,
        parent=reply,
        name="Ann",
        body="Reply to the reply",
        created_at=now - timedelta(days=1),
    )
    removed = Comment.objects.create(post=one, name="Troll", body="rude", status="removed")
    Comment.objects.create(post=one, parent=removed, name="Cy", body="answering the troll")
    Comment.objects.create(post=one, name="Spammer", body="buy", status="spam")
    Comment.objects.create(post=one, name="Held", body="new here", status="pending")


POST_FIELDS = (
    "title", "slug", "author__username", "body", "body_format", "body_html", "summary", "status",
    "published_at", "allow_comments", "created_at", "comment_count",
)  # fmt: skip
PAGE_FIELDS = (
    "title",
    "slug",
    "body",
    "body_format",
    "body_html",
    "is_published",
    "show_in_menu",
    "created_at",
)
COMMENT_FIELDS = (
    "post__slug", "name", "email", "url", "user__username", "body", "body_format", "body_html",
    "status", "created_at", "depth",
)  # fmt: skip


def state():
    comments = []
    for c in Comment.objects.order_by("post__slug", "created_at", "name"):
        row = {
            f: value
            for f, value in zip(
                COMMENT_FIELDS,
                Comment.objects.filter(pk=c.pk).values_list(*COMMENT_FIELDS)[0],
                strict=True,
            )
        }
        row["parent"] = (c.parent.name, c.parent.body) if c.parent else None
        comments.append(row)
    return {
        "posts": list(Post.objects.order_by("slug").values(*POST_FIELDS)),
        "tags": sorted((p.slug, sorted(p.tags.names())) for p in Post.objects.all()),
        "pages": list(Page.objects.order_by("slug").values(*PAGE_FIELDS)),
        "comments": comments,
    }


def test_export_then_import_into_an_empty_site_loses_nothing(tmp_path):
    seed()
    before = state()
    path = tmp_path / "export.xml"
    _, err = run("export_blogger", path)
    assert "exported 4 posts, 2 pages, 7 comments" in err
    Comment.objects.all().delete()
    Post.objects.all().delete()
    Page.objects.all().delete()
    Tag.objects.all().delete()
    out, _ = run("import_blogger", path)
    assert "imported 4 posts" in out
    assert state() == before
    assert not Redirect.objects.exists()  # the URLs are the same


def test_export_of_an_imported_blog_keeps_blogger_ids(tmp_path):
    run("import_blogger", CLASSIC)
    path = tmp_path / "export.xml"
    run("export_blogger", path)
    text = path.read_text(encoding="utf-8")
    assert "tag:blogger.com,1999:blog-1.post-1001" in text
    assert "/comments/default/5002" in text  # the reply's parent
    assert "blogger.contentRemoved" in text
    # Importing our own export into the same site finds every object: nothing changes.
    out, _ = run("import_blogger", path)
    assert "imported 0 posts" in out
