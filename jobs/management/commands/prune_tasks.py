from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import FailedJob, SentMessage

KEEP = timedelta(days=7)
KEEP_SENT = timedelta(days=30)


class Command(BaseCommand):
    help = (
        "Delete finished task rows older than 7 days, and sent-mail records and failed jobs "
        "older than 30."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *, dry_run, **options):
        now = timezone.now()
        tasks = DBTaskResult.objects.filter(
            status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=now - KEEP
        )
        sent = SentMessage.objects.filter(sent_at__lt=now - KEEP_SENT)
        failed = FailedJob.objects.filter(failed_at__lt=now - KEEP_SENT)
        counts = [rows.count() for rows in (tasks, sent, failed)]
        if not dry_run:
            for rows in (tasks, sent, failed):
                rows.delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {counts[0]} finished task(s), {counts[1]} mail record(s) "
            f"and {counts[2]} failed job(s)."
        )
