"""The seed story's four comments (read from ../shared/data/seed-story/ where it exists, never
copied into the project) through the real pipeline: judged as a person would judge them."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from comments.models import Comment
from comments.operations import add_comment
from moderation.models import Decision
from posts.tests.factories import make_post

SEED_COMMENTS = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "seed-story" / "comments.jsonl"
)
pytestmark = pytest.mark.skipif(
    not SEED_COMMENTS.exists(), reason=f"the seed story is not here: {SEED_COMMENTS}"
)


def add_seed_comments(post):
    """The seed story's comments on ``post``, in order, through ``add_comment``."""
    added = []
    when = post.published_at or timezone.now()
    with SEED_COMMENTS.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for row in rows:
        if row.get("date"):
            when = datetime.fromisoformat(row["date"]).replace(tzinfo=UTC)
        else:  # undated (the saved page lost it): a little after the one before
            when = when + timedelta(hours=7)
        comment = Comment(
            post=post, name=row["author"] or "Anonymous", email=row.get("email", ""),
            url=row.get("url", ""), body=row["text"], created_at=when,
        )  # fmt: skip
        added.append(add_comment(comment, note="test: "))
    return added


def test_seed_story_through_the_real_pipeline(db):
    post = make_post(slug="social-media-in-medical-education-its-all-about-the-network")
    added = add_seed_comments(post)
    assert [c.status for c in added] == ["approved", "pending", "pending", "pending"]
    genuine, nice_post, advert, longer_advert = added
    assert genuine.reasons == []
    for spam in added[1:]:
        assert spam.reasons and spam.score > 0.5
    # Held for the school's name, not for being "Anonymous" (no sign of anything).
    assert "names a business or school the post does not mention ('avalon university')" in (
        nice_post.reasons
    ), nice_post.reasons
    assert not any("anonymous" in r for r in nice_post.reasons)
    assert all(s.status == "pending" for s in (advert, longer_advert)), advert.reasons
    assert f"near-duplicate of comment {advert.pk} (100% contained)" in longer_advert.reasons
    assert Decision.objects.filter(comment__in=added).count() == 4
    assert Decision.objects.get(comment=advert).actor is None
