"""The seed story's comments for ``seed_demo``: the genuine one approved, the three spam ones
judged by the real pipeline, so they land in the queue with their reasons."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.utils import timezone

from comments.models import Comment
from comments.operations import add_comment
from moderation import digest
from posts.models import Post

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed-story"
SEED_STORY_SLUG = "social-media-in-medical-education-its-all-about-the-network"
FALLBACK = [
    {"author": "Chris Porter MD", "date": "2014-03-26T02:26:00", "url": "", "email": "",
     "text": "Potential of digital networks in medical education is huge.\n\nThe most important "
     "thing we can do for students and doctors-in-training is get our colleagues to stop "
     "creating closed content in our open-access world. Unlock content, then digital "
     "education networks (social media, blogs, academic sites) will explode.\n\nVideo on the "
     "topic of digital networks in surgical education here:", "label": "ham"},
    {"author": "Anonymous", "date": "", "url": "", "email": "",
     "text": "nice post.. i like this blog. i never read about this post.\n\navalon University "
     "the school of medicine", "label": "spam"},
    {"author": "Informa Healthcare", "date": "2014-04-30T16:13:00", "url": "", "email": "",
     "text": "Read Medical Teacher\u2019s FREE Twelve Tips for using social\nmedia as a medical "
     "educator,", "label": "spam"},
    {"author": "Informa Healthcare", "date": "", "url": "", "email": "",
     "text": "Read Medical Teacher\u2019s FREE Twelve Tips for using social\nmedia as a medical "
     "educator,\n\nFREE until May 30th, 2014\n\nThis article highlights best practice tips for "
     "health professions educators, trainees, and students to build a framework for "
     "navigating the digital world in a way that maintains and promotes professionalism.",
     "label": "spam"},
]  # fmt: skip


def seed_rows():
    path = SEED_DIR / "comments.jsonl"
    if not path.exists():
        return FALLBACK
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def add_seed_comments(post):
    """Add the seed story's comments to ``post`` unless there; return the comments added."""

    if post.comments.exists():
        return []
    added = []
    when = post.published_at or timezone.now()
    for row in seed_rows():
        if row.get("date"):
            when = datetime.fromisoformat(row["date"]).replace(tzinfo=UTC)
        else:  # undated (the saved page lost it): a little after the one before
            when = when + timedelta(hours=7)
        comment = Comment(
            post=post, name=row["author"] or "Anonymous", email=row.get("email", ""),
            url=row.get("url", ""), body=row["text"], created_at=when,
        )  # fmt: skip
        added.append(add_comment(comment, note="seed_demo: "))
    return added


def seed(stdout):

    post = Post.objects.filter(slug=SEED_STORY_SLUG).first()
    if post is None:
        stdout.write("Moderation: the seed story's post is missing; no comments added.")
        return 0

    with digest.quiet():
        added = add_seed_comments(post)
    held = sum(c.status != "approved" for c in added)
    stdout.write(f"Moderation: {len(added)} seed-story comments added, {held} held or spam.")
    return len(added)
