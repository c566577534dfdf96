from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background work on Django's tasks framework: retries, the sent-mail record, periodic
    jobs and the failed-jobs page. Imports no other app of the project."""

    name = "jobs"
    verbose_name = "Background jobs"
