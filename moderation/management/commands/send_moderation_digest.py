from django.core.management.base import BaseCommand

from moderation import digest


class Command(BaseCommand):
    help = (
        "Email moderators how many comments await moderation, unless a digest went out in "
        "the last hour (run it hourly from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="send even within the hour")

    def handle(self, *args, force=False, **options):
        listed = digest.send_if_due(force=force)
        if listed:
            self.stdout.write(f"Digest sent ({listed} comments listed).")
        else:
            self.stdout.write("No digest sent (nothing waits, nobody to tell, or sent lately).")
