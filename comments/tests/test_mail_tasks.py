"""Comment mail as background tasks: queued when the comment commits, sent by the worker,
never twice."""

import smtplib

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import operations
from comments.models import Comment, NotificationAddress
from comments.tests.factories import form_fields, make_comment, make_post

pytestmark = pytest.mark.usefixtures("blog")
URL = "/comments/post/"


def queued(name):
    return DBTaskResult.objects.filter(task_path=f"comments.notifications.{name}", status="READY")


def test_a_comment_queues_its_mail_on_commit_and_the_worker_sends_it(
    client, queue, mailoutbox, django_capture_on_commit_callbacks
):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_fields(client, post, body="Nice one"))
    assert response.status_code == 302
    assert queued("comment_posted").count() == 1
    assert mailoutbox == []  # the request did not wait on the mail server
    queue()
    (message,) = mailoutbox
    assert message.to == [post.author.email] and "Nice one" in message.body


def test_a_rolled_back_change_queues_no_mail(queue, mailoutbox, django_capture_on_commit_callbacks):
    comment = make_comment(make_post(), status=Comment.Status.PENDING)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        operations.set_status(comment, Comment.Status.APPROVED)
        raise RuntimeError("rolled back")
    assert not DBTaskResult.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        operations.set_status(comment, Comment.Status.APPROVED)
    assert queued("comment_approved").count() == 1


def test_a_failure_between_two_sends_retries_without_repeating_the_first(
    client, queue, flaky_mail, mailoutbox, django_capture_on_commit_callbacks
):
    """The post's author is mailed, the reply alert fails: the retry sends only the alert."""
    post = make_post()
    parent = make_comment(post, notify=True, email="ann@example.com")
    NotificationAddress.objects.create(email="ann@example.com", confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_fields(client, post, parent=parent, body="A reply"))
    flaky_mail.errors = [None, smtplib.SMTPServerDisconnected("gone")]
    queue()
    assert [m.to for m in mailoutbox] == [[post.author.email]]
    (retry,) = queued("comment_posted")
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=retry.enqueued_at)  # it is due
    queue()
    assert [m.to for m in mailoutbox] == [[post.author.email], ["ann@example.com"]]
