"""``rescore_comments [--status pending]``: run the filter again over held comments."""

import sys

from django.core.management.base import BaseCommand

from comments.models import Comment
from comments.operations import set_status
from moderation import pipeline


class Command(BaseCommand):
    help = (
        "Judge held comments again (after the filter learned or the rules changed): store the "
        "new score and reasons, and move held comments the pipeline now calls spam to spam. "
        "Nothing is approved: that stays a moderator's decision."
    )

    def add_arguments(self, parser):
        parser.add_argument("--status", choices=["pending", "spam"], default="pending")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, status, dry_run=False, **options):

        comments = Comment.objects.filter(status=status).select_related("post", "user")
        total = comments.count()
        to_spam = would_approve = 0
        for i, comment in enumerate(comments.order_by("pk").iterator(chunk_size=200), 1):
            verdict = pipeline.judge_comment(comment, count_hits=False).verdict
            if verdict.action == "approve":
                would_approve += 1
            if not dry_run:
                Comment.objects.filter(pk=comment.pk).update(
                    score=verdict.score, reasons=list(verdict.reasons)
                )
                comment.score, comment.reasons = verdict.score, list(verdict.reasons)
            if verdict.action == "spam" and status == "pending":
                to_spam += 1
                if not dry_run:
                    reason = "rescored: " + "; ".join(verdict.reasons)
                    set_status(comment, Comment.Status.SPAM, reason=reason)
            if sys.stderr.isatty() and i % 100 == 0:
                self.stderr.write(f"\r{i}/{total}", ending="")
        verb = "Would rescore" if dry_run else "Rescored"
        self.stdout.write(
            f"{verb} {total} {status} comments: {to_spam} to spam, {would_approve} the filter "
            "would approve (left for a moderator)."
        )
