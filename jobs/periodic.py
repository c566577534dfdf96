"""Periodic jobs without cron, wherever a worker runs.

``tick`` is a task that runs the jobs that are due (settings.PERIODIC_JOBS: management command
-> seconds), re-queues tasks a killed worker left "running", and enqueues itself again a
minute later. ``db_worker`` (ours wraps the backend's) starts the chain. Each job's row holds
its next run and is taken by one conditional UPDATE, so however many workers (or chains) tick,
a job runs once per interval.
"""

import io
import logging
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .compat import task
from .models import PeriodicJob

logger = logging.getLogger(__name__)
TICK_EVERY = timedelta(seconds=60)
READY, RUNNING = "READY", "RUNNING"


def take(name, interval, now):
    """True if this caller may run ``name`` now; the row then says when it is next due."""
    PeriodicJob.objects.bulk_create(
        [PeriodicJob(name=name, next_run_at=now)], ignore_conflicts=True
    )
    return (
        PeriodicJob.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + timedelta(seconds=interval), last_run_at=now
        )
        == 1
    )


def run_due(now=None):
    """Run every periodic job that is due and not taken by another worker; return their names."""
    now = now or timezone.now()
    ran = []
    for name, interval in settings.PERIODIC_JOBS.items():
        if not take(name, interval, now):
            continue
        try:
            out = io.StringIO()
            call_command(name, verbosity=0, stdout=out)
            logger.debug("periodic job %s: %s", name, out.getvalue().strip())
        except Exception as error:  # one job's failure must not stop the others
            logger.warning("periodic job %s failed: %r", name, error)
        ran.append(name)
    return ran


def sweep(now=None):
    """Re-queue tasks left "running" longer than TASK_TIMEOUT_SECONDS (their worker was
    killed); their messages' records keep what was already sent from going twice."""
    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(
        status=RUNNING, started_at__lt=now - timedelta(seconds=settings.TASK_TIMEOUT_SECONDS)
    )
    count = stale.update(status=READY, started_at=None)
    if count:
        logger.warning("re-queued %d task(s) left running by a stopped worker", count)
    return count


def ensure_tick():
    """Start the tick chain unless a tick is already waiting (called when a worker starts).

    A "running" tick does not count: it may be a killed worker's, and as the sweep runs inside
    the tick, nothing would ever re-queue it. A live one sees ours waiting when it ends and
    does not enqueue another, so the chain stays one."""
    if not DBTaskResult.objects.filter(task_path=tick.module_path, status=READY).exists():
        tick.enqueue()


@task()
def tick():
    now = timezone.now()
    sweep(now)
    run_due(now)
    # one chain is enough: another worker's tick may already wait
    if not DBTaskResult.objects.filter(task_path=tick.module_path, status=READY).exists():
        tick.using(run_after=now + TICK_EVERY).enqueue()
