from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from posts.models import Post


class Command(BaseCommand):
    help = (
        "Do what is due for scheduled posts whose time has come. Posts appear on time without "
        "it; this refreshes their stored HTML and updated time (so caches and the sitemap see "
        "them) and marks them announced. Safe to run from cron every minute."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            due = list(
                Post.objects.published()
                .filter(announced_at__isnull=True)
                .select_for_update()
                .order_by("published_at")
            )
            now = timezone.now()
            for post in due:
                post.announced_at = now
                post.save()
                if options["verbosity"] > 1:
                    self.stdout.write(f"Announced {post.title!r} ({post.get_absolute_url()})")
        self.stdout.write(f"{len(due)} scheduled post(s) due and announced.")
