"""``erase_commenter EMAIL [--dry-run]``: remove a commenter's personal data."""

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand
from django.db import transaction

from comments.models import Comment, NotificationAddress
from comments.operations import set_status

ERASED = "[erased]"


class Command(BaseCommand):
    help = (
        "Remove a commenter's personal data (name, email, URL, IP address, user agent) from "
        "all their comments and mark the comments removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, email, dry_run=False, **options):

        email = email.strip()
        comments = Comment.objects.filter(email__iexact=email).select_related("post", "page")
        n = comments.count()
        if dry_run:
            self.stdout.write(f"Would erase the personal data of {n} comments by {email}.")
            return
        with transaction.atomic():
            # of=self: a comment's post or page is an outer join, which PostgreSQL cannot lock
            for comment in comments.select_for_update(of=("self",)):
                personal = (email, comment.name, comment.ip_address or "", comment.url)
                set_status(comment, Comment.Status.REMOVED, reason="erase_commenter")
                Comment.objects.filter(pk=comment.pk).update(
                    name=ERASED, email="", url="", ip_address=None, user_agent="",
                    reasons=[_scrub(r, *personal) for r in comment.reasons or []],
                )  # fmt: skip
                for decision in comment.decisions.all():
                    scrubbed = _scrub(decision.reason, *personal)
                    if scrubbed != decision.reason:
                        type(decision).objects.filter(pk=decision.pk).update(reason=scrubbed)
            NotificationAddress.objects.filter(email__iexact=email).delete()
        self.stdout.write(f"Erased the personal data of {n} comments by {email}.")


def _scrub(text, email, name, ip, url):
    """Replace the commenter's personal data in a reason (block rules name IPs and domains)."""
    host = urlsplit(url).hostname or ""
    values = (email, email.lower(), name, name.lower(), *name.lower().split(), ip, url, host)
    for value in sorted((v for v in values if v and len(v) > 2), key=len, reverse=True):
        text = text.replace(value, ERASED)
    return text
