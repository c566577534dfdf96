from django_tasks_db.management.commands import db_worker

from jobs import periodic


class Command(db_worker.Command):
    """The database backend's worker, which also starts the periodic jobs' tick."""

    def handle(self, *args, **options):
        periodic.ensure_tick()
        return super().handle(*args, **options)
