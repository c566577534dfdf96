"""Retries for tasks, small and plain: the framework gives none.

A task function decorated with ``@retrying`` (under ``@task()``) that fails for a temporary
reason (SMTP 4xx, a dropped or refused connection, a timeout) enqueues itself again with
``run_after`` and exponential backoff: 15 s, 30 s, 1 min ... at most an hour apart, for up to
24 hours from the first attempt. Then, or at once for a permanent error, it is recorded as a
``FailedJob`` (the admin's "Failed background jobs", with a Retry button).
"""

import functools
import logging
import smtplib
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.module_loading import import_string

from .models import FailedJob

logger = logging.getLogger(__name__)

FIRST_DELAY = timedelta(seconds=15)
MAX_DELAY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)


def backoff(attempt):
    """Delay before retry number ``attempt + 1`` (attempt 0 failed first)."""
    return min(FIRST_DELAY * 2**attempt, MAX_DELAY)


def is_temporary(error):
    if hasattr(error, "temporary"):  # e.g. federation.outbound.OutboundError
        return bool(error.temporary)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPException):
        return False  # e.g. an unsupported command: trying again will not help
    return isinstance(error, (OSError, TimeoutError))  # refused, reset, timed out, DNS


def retrying(func):
    task_path = f"{func.__module__}.{func.__name__}"

    @functools.wraps(func)
    def run(*args, attempt=0, first_attempt=None, **kwargs):
        now = timezone.now()
        first = datetime.fromisoformat(first_attempt) if first_attempt else now
        try:
            return func(*args, **kwargs)
        except Exception as error:
            retry_at = now + backoff(attempt)
            task = import_string(task_path)
            if (
                is_temporary(error)
                and retry_at - first <= GIVE_UP_AFTER
                and task.get_backend().supports_defer
            ):
                task.using(run_after=retry_at).enqueue(
                    *args, attempt=attempt + 1, first_attempt=first.isoformat(), **kwargs
                )
                logger.warning(
                    "%s could not be sent (%r): retry %d at %s",
                    task_path,
                    error,
                    attempt + 1,
                    retry_at.isoformat(timespec="seconds"),
                )
                return None
            # one line, no traceback: a mail server that is down must not flood the log
            logger.warning("%s could not be sent and failed for good: %r", task_path, error)
            FailedJob.objects.create(
                task_path=task_path,
                args=list(args),
                kwargs=kwargs,
                error=f"{type(error).__name__}: {error}",
                first_attempt_at=first,
            )
            return None

    return run


def retry_failed(job):
    """Enqueue a failed job again, as a fresh first attempt."""
    import_string(job.task_path).enqueue(*job.args, **job.kwargs)
    job.retried_at = timezone.now()
    job.save(update_fields=["retried_at"])
