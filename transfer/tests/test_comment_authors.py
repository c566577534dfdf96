"""A comment written by one of the blog's imported authors is tied to that user."""

import pytest
from django.contrib.auth import get_user_model

from comments.models import Comment
from transfer.tests.conftest import real, run

pytestmark = pytest.mark.django_db


def test_blogger_owner_comments_are_the_owners():
    out, _ = run("import_blogger", real("blogger-wgdd-www.xml"))
    assert "19 comments tied to their author's user" in out
    owner = Comment.objects.exclude(user=None)
    assert owner.count() == 19
    assert {c.user_id for c in owner} == {c.post.author_id for c in owner}


def test_wordpress_comment_user_id_ties_the_comment():
    out, _ = run("import_wordpress", real("wxr-wpimporter-theme-unit-test-data.xml"))
    assert "4 comments tied to their author's user" in out  # one on a page
    tied = Comment.objects.exclude(user=None)
    assert {c.user.username for c in tied} <= {"themedemos", "themereviewteam"}
    assert not Comment.objects.filter(name="John Doe").exclude(user=None).exists()


def test_disqus_comments_of_the_blogs_author_are_theirs():
    """laisky: the blog's owner (Disqus account ``ppcelery``) answered 87 comments; the site's
    author of that username gets them, nobody else's comment is tied."""
    from posts.models import Post
    from transfer.tests.test_import_disqus import posts_at_the_files_paths

    path = real("disqus-laisky.xml")
    posts_at_the_files_paths(path)
    owner = get_user_model().objects.create(username="PPCelery")
    Post.objects.filter(pk=Post.objects.order_by("pk")[0].pk).update(author=owner)
    out, _ = run("import_disqus", path)
    assert "87 comments tied to their author's user" in out
    tied = Comment.objects.exclude(user=None)
    assert set(tied.values_list("user", flat=True)) == {owner.pk}
    assert set(tied.values_list("name", flat=True)) == {"ppcelery"}


def test_disqus_author_map_names_the_account(tmp_path):
    """evanlin: the owner's Disqus username is not a site username; --author-map maps it."""
    from transfer.tests.test_import_disqus import posts_at_the_files_paths

    path = real("disqus-evanlin.xml")
    posts_at_the_files_paths(path)
    evan = get_user_model().objects.create(username="evan")
    mapping = tmp_path / "authors.txt"
    mapping.write_text("disqus_B8nIcLT7ne = evan\n", encoding="utf-8")
    out, _ = run("import_disqus", path, author_map=str(mapping))
    assert "51 comments tied to their author's user" in out
    assert set(Comment.objects.exclude(user=None).values_list("user", flat=True)) == {evan.pk}


def test_disqus_guest_with_the_authors_email_is_not_tied():
    """isso: two comments by the Disqus account with the author's email are the author's;
    the guests (``isAnonymous``) who typed that same email are not."""
    from posts.models import Post
    from transfer.tests.test_import_disqus import posts_at_the_files_paths

    path = real("disqus-isso.xml")
    posts_at_the_files_paths(path)
    author = get_user_model().objects.create(username="someone", email="Foo@Bar.com")
    Post.objects.update(author=author)
    run("import_disqus", path)
    tied = Comment.objects.exclude(user=None)
    assert sorted(tied.values_list("name", flat=True)) == ["user", "user"]
    guests = Comment.objects.filter(name="peter")
    assert guests.count() == 2
    assert not guests.exclude(user=None).exists()
