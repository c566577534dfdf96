"""A real export, imported, exported with export_blogger and imported into an empty site, keeps
posts, pages, comments, threads, states, labels and the old URLs' redirects."""

import pytest
from django.contrib.redirects.models import Redirect
from taggit.models import Tag

from comments.models import Comment
from posts.models import Page, Post
from transfer.tests.conftest import real, run

pytestmark = pytest.mark.django_db


def content():
    posts = {p.slug: (p.title, p.status, sorted(p.tags.names())) for p in Post.objects.all()}
    pages = {
        p.slug: (p.title, p.is_published, p.allow_comments, p.comment_count)
        for p in Page.objects.all()
    }
    comments = sorted(
        (
            type(c.target).__name__, c.target.slug, c.name, c.status, c.kind, c.depth,
            c.parent.name if c.parent else None,
        )
        for c in Comment.objects.select_related("post", "page", "parent")
    )  # fmt: skip
    # every old URL, to a post, a page, a tag's page (WordPress's labels) or a feed
    redirects = set(Redirect.objects.values_list("old_path", "new_path"))
    return {"posts": posts, "pages": pages, "comments": comments, "redirects": redirects}


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("import_wordpress", "wxr-wpimporter-theme-unit-test-data.xml"),
        ("import_blogger", "blogger-wgdd-www.xml"),
    ],
)
def test_import_export_import_keeps_everything(command, name, tmp_path):
    run(command, real(name))
    before = content()
    assert len(before["redirects"]) > 100 if "theme" in name else before["redirects"]
    if "theme" in name:  # label URLs, which lead to no post or page, are among them
        assert any(new.startswith("/tag/") for _, new in before["redirects"])
    assert any(kind == "Page" for kind, *_ in before["comments"])  # pages' comments come over too
    exported = tmp_path / "export.xml"
    run("export_blogger", exported)
    for model in (Comment, Post, Page, Redirect, Tag):
        model.objects.all().delete()
    run("import_blogger", exported)
    assert content() == before
