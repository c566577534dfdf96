"""``purge_spam [--older-than DAYS] [--dry-run]``: hard-delete old spam."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from comments.models import Comment, touch_pages, touch_posts


def purgeable(days):
    """Spam older than ``days`` with nothing below it but other purgeable spam (a spam comment
    with an approved, held or newer reply stays: as a placeholder or for its replies' sake)."""

    cutoff = timezone.now() - timedelta(days=days)
    old_spam = {"status": Comment.Status.SPAM, "created_at__lt": cutoff}
    kept_below = Comment.objects.filter(
        post=OuterRef("post"),
        thread_id=OuterRef("thread_id"),
        path__startswith=OuterRef("path"),
        depth__gt=OuterRef("depth"),
    ).exclude(**old_spam)
    spam = Comment.objects.filter(**old_spam)
    return spam.filter(~Exists(kept_below)), spam.filter(Exists(kept_below))


class Command(BaseCommand):
    help = "Hard-delete spam older than DAYS (default 30); spam with replies stays."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=30, metavar="DAYS")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, older_than, dry_run=False, **options):

        if older_than < 0:
            raise CommandError("--older-than must be 0 or more days")
        with transaction.atomic():
            doomed, kept = purgeable(older_than)
            n, n_kept = doomed.count(), kept.count()
            if not dry_run and n:
                posts = set(doomed.values_list("post_id", flat=True)) - {None}
                pages = set(doomed.values_list("page_id", flat=True)) - {None}
                doomed.delete()
                touch_posts(posts)
                touch_pages(pages)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {n} spam comments older than {older_than} days; "
            f"{n_kept} kept for their replies."
        )
