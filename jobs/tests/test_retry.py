import smtplib
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.mail import deliver, send_message
from jobs.models import FailedJob, SentMessage
from jobs.retry import backoff

pytestmark = pytest.mark.django_db
MESSAGE = ("reply:7:ann@example.com", "reply", "ann@example.com", "A reply", "Body\n")


def waiting():
    return DBTaskResult.objects.filter(status="READY").order_by("enqueued_at")


def make_due(row):
    """What waiting would do: the retry's time has come (no sleeping in tests)."""
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())


def test_backoff_starts_within_15_seconds_doubles_and_stops_at_an_hour():
    delays = [backoff(n).total_seconds() for n in range(10)]
    assert delays == [15, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("gone"),
        smtplib.SMTPResponseException(421, b"try later"),
        ConnectionRefusedError(111, "refused"),
        TimeoutError("timed out"),
    ],
    ids=["disconnected", "4xx", "refused", "timeout"],
)
def test_a_temporary_failure_is_retried_with_backoff_until_it_is_sent(
    queue, flaky_mail, mailoutbox, error
):
    flaky_mail.errors = [error, error]
    send_message.enqueue(*MESSAGE)
    expected = [15, 30]
    for attempt, seconds in enumerate(expected, start=1):
        before = timezone.now()
        queue()
        (retry,) = waiting()
        assert retry.args_kwargs["kwargs"]["attempt"] == attempt
        delay = (retry.run_after - before).total_seconds()
        assert seconds - 1 <= delay <= seconds + 1
        assert mailoutbox == []
        queue()  # not due yet: nothing happens
        assert waiting().count() == 1 and mailoutbox == []
        make_due(retry)
    queue()
    (message,) = mailoutbox
    assert message.to == ["ann@example.com"] and message.subject == "A reply"
    assert not waiting().exists() and not FailedJob.objects.exists()
    assert SentMessage.objects.get().sent_at is not None


def test_retries_stop_24_hours_after_the_first_attempt(queue, flaky_mail, mailoutbox):
    flaky_mail.errors = [smtplib.SMTPServerDisconnected("gone")]
    first = timezone.now() - timedelta(hours=23, minutes=59, seconds=50)
    send_message.enqueue(*MESSAGE, attempt=12, first_attempt=first.isoformat())
    queue()
    assert not waiting().exists()
    job = FailedJob.objects.get()
    assert job.task_path == "jobs.mail.send_message" and job.args == list(MESSAGE)
    assert "SMTPServerDisconnected: gone" in job.error and job.first_attempt_at == first


def test_a_permanent_failure_is_recorded_at_once(queue, flaky_mail, mailoutbox):
    flaky_mail.errors = [smtplib.SMTPRecipientsRefused({"ann@example.com": (550, b"no such")})]
    send_message.enqueue(*MESSAGE)
    queue()
    assert not waiting().exists() and mailoutbox == []
    assert "SMTPRecipientsRefused" in FailedJob.objects.get().error


def test_a_sent_message_is_not_sent_again_when_its_task_runs_again(queue, mailoutbox):
    result = send_message.enqueue(*MESSAGE)
    queue()
    # the task runs again (a sweep after a lost acknowledgement, a retry of the whole task)
    DBTaskResult.objects.filter(pk=result.id).update(status="READY")
    queue()
    assert len(mailoutbox) == 1
    assert deliver(*MESSAGE) is False and len(mailoutbox) == 1


def test_the_record_exists_before_the_send_and_is_marked_only_after(flaky_mail, mailoutbox):
    flaky_mail.errors = [smtplib.SMTPServerDisconnected("gone")]
    with pytest.raises(smtplib.SMTPServerDisconnected):
        deliver(*MESSAGE)
    record = SentMessage.objects.get()
    assert record.sent_at is None and record.comment_id is None
    assert deliver(*MESSAGE) is True
    record.refresh_from_db()
    assert record.sent_at is not None and len(mailoutbox) == 1
