"""Django 6 has ``django.tasks``; on 5.2 the ``django-tasks`` backport provides the same API."""

from importlib.util import find_spec

if find_spec("django.tasks"):
    from django.tasks import task, task_backends

    IMMEDIATE_BACKEND = "django.tasks.backends.immediate.ImmediateBackend"
else:  # Django 5.2
    from django_tasks import task, task_backends

    IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"

__all__ = ["IMMEDIATE_BACKEND", "task", "task_backends"]
