import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from jobs.models import FailedJob
from posts.tests.factories import make_user

pytestmark = pytest.mark.django_db
LIST = reverse("admin:jobs_failedjob_changelist")


def failed_job():
    return FailedJob.objects.create(
        task_path="jobs.mail.send_message",
        args=["reply:7:ann@example.com", "reply", "ann@example.com", "A reply", "Body\n"],
        error="SMTPServerDisconnected: Connection unexpectedly closed",
        first_attempt_at=timezone.now(),
    )


def staff(client, *perms):
    user = make_user(staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    client.force_login(user)
    return user


def test_a_final_failure_is_listed_with_its_error_and_retry_requeues_it(client, mailoutbox):
    job = failed_job()
    staff(client, "retry_failedjob")
    page = client.get(LIST).content.decode()
    assert "Failed background jobs" in page and "send_message" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    retry = reverse("admin:jobs_failedjob_retry", args=[job.pk])
    assert f'formaction="{retry}"' in page
    response = client.post(retry)
    assert response.status_code == 302 and response["Location"] == LIST
    (message,) = mailoutbox  # the immediate backend ran it at once
    assert message.to == ["ann@example.com"]
    job.refresh_from_db()
    assert job.retried_at is not None
    assert "queued again" in client.get(LIST).content.decode()


def test_retry_needs_the_permission_and_a_post(client, mailoutbox):
    job = failed_job()
    retry = reverse("admin:jobs_failedjob_retry", args=[job.pk])
    assert client.post(retry)["Location"].startswith(reverse("admin:login"))
    staff(client)
    assert client.get(LIST).status_code == 403
    assert client.post(retry).status_code == 403
    staff(client, "retry_failedjob")
    assert client.get(retry).status_code == 405
    assert client.post(reverse("admin:jobs_failedjob_retry", args=[999])).status_code == 404
    assert mailoutbox == [] and FailedJob.objects.get().retried_at is None
