"""The policy row with its defaults, and the filter trained on the starter corpus."""

import json
from pathlib import Path

from django.db import migrations

CORPUS = Path(__file__).resolve().parents[1] / "starter_corpus.jsonl"


def forwards(apps, schema_editor):
    from moderation import bayes, corpus

    Policy = apps.get_model("moderation", "Policy")
    FilterTotals = apps.get_model("moderation", "FilterTotals")
    TokenCount = apps.get_model("moderation", "TokenCount")
    DigestState = apps.get_model("moderation", "DigestState")
    Policy.objects.get_or_create(pk=1)
    DigestState.objects.get_or_create(pk=1)
    if FilterTotals.objects.filter(pk=1).exists():
        return
    with CORPUS.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    counts = corpus.train(bayes.Counts(), rows)
    TokenCount.objects.bulk_create(
        [
            TokenCount(token=t[:300], spam=counts.get(t)[0], ham=counts.get(t)[1])
            for t in sorted(counts.spam.keys() | counts.ham.keys())
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    FilterTotals.objects.create(
        pk=1,
        nspam=counts.nspam,
        nham=counts.nham,
        spam_tokens=counts.spam_tokens,
        ham_tokens=counts.ham_tokens,
    )


def backwards(apps, schema_editor):
    apps.get_model("moderation", "TokenCount").objects.all().delete()
    apps.get_model("moderation", "FilterTotals").objects.all().delete()
    apps.get_model("moderation", "Policy").objects.all().delete()
    apps.get_model("moderation", "DigestState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
