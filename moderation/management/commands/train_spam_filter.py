"""``train_spam_filter [--from-history] [FILE]``: rebuild the filter's counts from scratch."""

import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from comments.models import Comment
from comments.operations import can_moderate
from moderation import bayes, corpus, duplicates, store, textfeatures
from moderation.management.commands.classify_comments import read_lines
from moderation.models import CommentSignature, Decision


def history():
    """Comments whose state a person decided (or an import brought): (comment, label)."""

    # A moderator's change of state, not a commenter's own comment, edit or delete.
    decided = list(
        Decision.objects.exclude(from_status="")
        .filter(actor__isnull=False, comment__isnull=False)
        .values_list("comment_id", "to_status", "actor_id")
    )
    actors = get_user_model().objects.filter(pk__in={actor for _, _, actor in decided})
    moderators = {user.pk for user in actors if can_moderate(user)}
    by_person = {(cid, status) for cid, status, actor in decided if actor in moderators}
    comments = Comment.objects.filter(status__in=["approved", "spam"]).only(
        "pk", "status", "body", "name", "email", "url", "import_id"
    )
    for c in comments.iterator(chunk_size=2000):
        if c.import_id or (c.pk, c.status) in by_person:
            yield c, "spam" if c.status == "spam" else "ham"


class Command(BaseCommand):
    help = (
        "Retrain the spam filter from scratch: the starter corpus, plus a labelled JSON-lines "
        "FILE (text, author, email, url, label) and/or, with --from-history, every comment a "
        "moderator approved or marked spam (and imported ones)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="labelled JSON lines")
        parser.add_argument(
            "--from-history", action="store_true", help="learn from moderators' decisions"
        )

    def handle(self, *args, file=None, from_history=False, **options):
        started = time.perf_counter()
        rows = corpus.load_jsonl()
        n_file = 0
        if file:
            extra = read_lines(file)
            missing = next((i for i, r in enumerate(extra, 1) if "label" not in r), None)
            if missing is not None:
                raise CommandError(f"{file}: row {missing} has no label")
            rows += extra
            n_file = len(extra)
        counts = corpus.train(bayes.Counts(), rows)
        trained = []
        if from_history:
            for i, (comment, label) in enumerate(history(), 1):
                toks = textfeatures.tokens(comment.body, comment.url)
                counts.learn(toks, label == "spam")
                trained.append((comment, label, sorted(toks)))
                if sys.stderr.isatty() and i % 1000 == 0:
                    self.stderr.write(f"\r{i} comments from history", ending="")
        with transaction.atomic():
            n_tokens = store.replace_all(counts)
            CommentSignature.objects.exclude(trained_as="").update(trained_as="", trained_tokens=[])
            if trained:
                CommentSignature.objects.bulk_create(
                    [
                        CommentSignature(
                            comment_id=c.pk, shingles=sorted(duplicates.shingles(c.body))
                        )
                        for c, _, _ in trained
                    ],
                    ignore_conflicts=True,
                    batch_size=1000,
                )
                sigs = CommentSignature.objects.in_bulk([c.pk for c, _, _ in trained])
                for c, label, toks in trained:
                    sigs[c.pk].trained_as, sigs[c.pk].trained_tokens = label, toks
                CommentSignature.objects.bulk_update(
                    sigs.values(), ["trained_as", "trained_tokens"], batch_size=1000
                )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Trained the spam filter on {counts.nspam + counts.nham} comments "
            f"({counts.nspam} spam, {counts.nham} ham: starter corpus, {n_file} from the file, "
            f"{len(trained)} from history); {n_tokens} tokens; {seconds:.2f} s."
        )
