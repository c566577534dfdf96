"""A comment written by one of the blog's imported authors is tied to that user."""

import pytest

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
