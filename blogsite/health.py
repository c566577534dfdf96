"""``/healthz`` for the load balancer: is the database answering, is the cache, how long has
the oldest due background task waited for a worker."""

import logging

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)
PATH = "/healthz"


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("healthz: the database does not answer: %r", error)
        return False
    return True


def cache_ok():
    try:
        cache.set("healthz", "ok", 10)
        return cache.get("healthz") == "ok"
    except Exception as error:
        logger.warning("healthz: the cache does not answer: %r", error)
        return False


def oldest_queued_task_age():
    """Seconds the oldest due task has waited (since it was enqueued or its ``run_after``
    came); None with no task waiting, or without the tasks database backend installed."""
    try:
        model = apps.get_model("django_tasks_database", "DBTaskResult")
    except LookupError:
        return None
    due = model.objects.ready().order_by("enqueued_at").values_list("enqueued_at", "run_after")
    row = due.first()
    if row is None:
        return None
    now = timezone.now()
    enqueued_at, run_after = row
    since = max(enqueued_at, run_after) if run_after and run_after <= now else enqueued_at
    return round((now - since).total_seconds(), 1)


def health(request):
    if not database_ok():
        body = {"database": "unavailable", "cache": "ok" if cache_ok() else "unavailable",
                "oldest_queued_task_age": None}  # fmt: skip
        status = 503
    else:
        try:
            age = oldest_queued_task_age()
        except Exception:
            logger.exception("healthz: could not read the task queue")
            age = None
        body = {"database": "ok", "cache": "ok" if cache_ok() else "unavailable",
                "oldest_queued_task_age": age}  # fmt: skip
        status = 200
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    """Answers ``/healthz`` itself, before the host is checked (a load balancer probes by IP
    address, which ALLOWED_HOSTS need not name), with no session, CSRF or redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return health(request)
        return self.get_response(request)
