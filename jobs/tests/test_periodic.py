import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from jobs import periodic
from jobs.models import FailedJob, PeriodicJob, SentMessage


@pytest.fixture
def ran(monkeypatch, settings):
    """Periodic jobs that only note that they ran."""
    settings.PERIODIC_JOBS = {"publish_scheduled": 60, "captcha_clean": 3600}
    calls = []
    monkeypatch.setattr(periodic, "call_command", lambda name, **kw: calls.append(name))
    return calls


@pytest.mark.django_db
def test_two_workers_ticking_at_once_run_each_job_once(ran):
    now = timezone.now()
    assert periodic.run_due(now) == ["publish_scheduled", "captcha_clean"]
    assert periodic.run_due(now) == []  # the second "worker"
    assert periodic.run_due(now + timedelta(seconds=61)) == ["publish_scheduled"]
    assert ran == ["publish_scheduled", "captcha_clean", "publish_scheduled"]
    job = PeriodicJob.objects.get(name="captcha_clean")
    assert job.next_run_at == now + timedelta(hours=1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_postgresql_take_a_job_once():
    from django.db import connections

    rounds, winners = 20, []
    for n in range(rounds):
        now = timezone.now()
        start = threading.Barrier(2)

        def worker(name=f"job-{n}", when=now, start=start):
            try:
                start.wait()
                if periodic.take(name, 60, when):
                    winners.append(name)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(winners) == sorted(f"job-{n}" for n in range(rounds))


def running_task(started):
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="jobs.periodic.tick",
        backend_name="default",
        run_after=get_date_max(),
        status="RUNNING",
        started_at=started,
    )


@pytest.mark.django_db
def test_a_task_left_running_by_a_killed_worker_is_requeued(settings):
    settings.TASK_TIMEOUT_SECONDS = 300
    now = timezone.now()
    killed = running_task(now - timedelta(seconds=301))
    busy = running_task(now - timedelta(seconds=10))
    assert periodic.sweep(now) == 1
    killed.refresh_from_db()
    busy.refresh_from_db()
    assert (killed.status, busy.status) == ("READY", "RUNNING")


@pytest.mark.django_db
def test_the_tick_runs_due_jobs_and_keeps_one_tick_waiting(queue, ran):
    periodic.ensure_tick()
    periodic.ensure_tick()  # a second worker starting: still one chain
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    before = timezone.now()
    queue()
    assert ran == ["publish_scheduled", "captcha_clean"]
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    assert waiting.task_path == "jobs.periodic.tick"
    assert timedelta(seconds=59) <= waiting.run_after - before <= timedelta(seconds=61)


@pytest.mark.django_db
def test_prune_tasks_drops_finished_rows_after_7_days(capsys):
    from django.core.management import call_command

    now = timezone.now()
    old, recent, waiting = (running_task(now) for _ in range(3))
    DBTaskResult.objects.filter(pk=old.pk).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=8)
    )
    DBTaskResult.objects.filter(pk=recent.pk).update(
        status="FAILED", finished_at=now - timedelta(days=6)
    )
    DBTaskResult.objects.filter(pk=waiting.pk).update(status="READY")
    SentMessage.objects.create(key="a", kind="reply", recipient="a@example.com",
                               sent_at=now - timedelta(days=31))  # fmt: skip
    FailedJob.objects.create(task_path="x", error="e", first_attempt_at=now)
    call_command("prune_tasks")
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not SentMessage.objects.exists() and FailedJob.objects.count() == 1
    assert (
        "Deleted 1 finished task(s), 1 mail record(s) and 0 failed job(s)."
        in capsys.readouterr().out
    )


@pytest.mark.parametrize(("value", "scheduled"), [("", False), ("1", True)])
def test_purge_spam_is_a_periodic_job_only_if_a_setting_says_so(value, scheduled):
    code = "from django.conf import settings; print('purge_spam' in settings.PERIODIC_JOBS)"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env={"PATH": "/usr/bin:/bin", "PURGE_SPAM_PERIODIC": value},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert out.strip().splitlines()[-1] == str(scheduled)


@pytest.mark.django_db
def test_a_tick_left_running_by_a_killed_worker_does_not_stop_the_periodic_jobs(queue, ran):
    """The sweep runs inside the tick: were a killed worker's "running" tick taken for a live
    one, no tick would ever run again, and no stuck mail would be re-queued."""
    running_task(timezone.now())  # the worker was killed in the middle of a tick
    periodic.ensure_tick()  # and started again
    queue()
    assert ran == ["publish_scheduled", "captcha_clean"]
    assert DBTaskResult.objects.filter(task_path=periodic.tick.module_path, status="READY").exists()
