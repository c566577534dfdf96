"""``purge_comment_ips [--dry-run]``: erase commenters' IP addresses and user agents once they
are ``COMMENT_IP_RETENTION_DAYS`` old. Safe to run daily: what is erased stays erased, and a
run with nothing to do changes nothing."""

import ipaddress
import re
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment
from moderation.models import Decision

ERASED = "[erased]"
# A cheap SQL prefilter for text that may name an address (SQLite and PostgreSQL alike) ...
MAY_NAME_AN_ADDRESS = r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+|[0-9A-Fa-f]*:[0-9A-Fa-f]*:"
# ... and the candidates in it, each kept unless ``ipaddress`` reads it as an address or network.
CANDIDATE = re.compile(
    r"(?<![\w:.])(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:]*"
    r"(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3})?)(?:/[0-9]{1,3})?(?![\w:.])"
)


def scrub_addresses(text):
    """``text`` with every IP address or network in it replaced by ``[erased]``."""

    def erase(match):
        try:
            ipaddress.ip_network(match[0], strict=False)
        except ValueError:
            return match[0]
        return ERASED

    return CANDIDATE.sub(erase, text)


class Command(BaseCommand):
    help = (
        "Erase the IP address and user agent of comments older than COMMENT_IP_RETENTION_DAYS "
        "(default 90), and the addresses named in their reasons and the decision log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, dry_run=False, **options):
        days = settings.COMMENT_IP_RETENTION_DAYS
        cutoff = timezone.now() - timedelta(days=days)
        comments = Comment.objects.filter(created_at__lt=cutoff).filter(
            Q(ip_address__isnull=False) | ~Q(user_agent="")
        )
        decisions = Decision.objects.filter(
            Q(created_at__lt=cutoff) | Q(comment__created_at__lt=cutoff),
            reason__regex=MAY_NAME_AN_ADDRESS,
        )
        with transaction.atomic():
            n = comments.count()
            reasons = []
            for comment in comments.only("pk", "reasons").iterator():
                scrubbed = [scrub_addresses(r) for r in comment.reasons or []]
                if scrubbed != comment.reasons:
                    comment.reasons = scrubbed
                    reasons.append(comment)
            logged = []
            for decision in decisions.only("pk", "reason").iterator():
                scrubbed = scrub_addresses(decision.reason)
                if scrubbed != decision.reason:
                    decision.reason = scrubbed
                    logged.append(decision)
            if not dry_run:
                Comment.objects.bulk_update(reasons, ["reasons"], batch_size=500)
                # Decisions are append-only; erasing personal data is the one exception.
                Decision.objects.bulk_update(logged, ["reason"], batch_size=500)
                comments.update(ip_address=None, user_agent="")
        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(
            f"{verb} the IP address and user agent of {n} comments older than {days} days, "
            f"and the addresses in {len(reasons)} comments' reasons and {len(logged)} "
            "decision log entries."
        )
