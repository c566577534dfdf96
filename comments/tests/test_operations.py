import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from comments import operations
from comments.middleware import NOT_CHECKED, comment_gate
from comments.models import Comment
from comments.tests.factories import make_comment, make_post, make_user


def test_set_status_validates_and_reports_a_change(db):
    comment = make_comment(make_post())
    with pytest.raises(ValueError):
        operations.set_status(comment, "deleted")
    assert operations.set_status(comment, Comment.Status.APPROVED) is False
    assert operations.set_status(comment, Comment.Status.SPAM, reason="filter") is True
    comment.refresh_from_db()
    assert comment.status == "spam"
    comment.post.refresh_from_db()
    assert comment.post.comment_count == 0


def test_set_status_refuses_a_user_who_may_not_moderate(db):
    comment = make_comment(make_post())
    with pytest.raises(PermissionDenied):
        operations.set_status(comment, Comment.Status.SPAM, actor=make_user())
    comment.refresh_from_db()
    assert comment.status == "approved"


def test_status_change_moves_the_thread_version_on(db):
    comment = make_comment(make_post())
    comment.post.refresh_from_db()  # the version as stored, not as make_post left it
    before = comment.post.comments_changed_at
    operations.set_status(comment, Comment.Status.REMOVED)
    comment.post.refresh_from_db()
    assert comment.post.comments_changed_at > before


def test_view_fails_closed_without_the_middleware(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/comments/post/")
    request.user = AnonymousUser()
    assert comment_gate(request).error == NOT_CHECKED
    assert comment_gate(request).key is None
