"""Demo conversations for ``seed_demo``, which calls ``seed(stdout)`` after the posts app's."""

from datetime import timedelta

from django.utils import timezone

from comments.models import Comment
from comments.operations import add_comment
from posts.demo import SEED_STORY_SLUG
from posts.models import Post

S = Comment.Status


def seed_comments(post, author):
    """Add threaded comments to ``post`` (``author`` replies as the post's author): a reply to a
    reply, a removed comment whose reply keeps it as a placeholder, one held and one spam.
    Does nothing if the post already has comments; returns the number added."""
    if post.comments.exists():
        return 0
    start = (post.published_at or timezone.now()) + timedelta(hours=1)
    made = []

    def add(parent=None, status=S.APPROVED, **fields):
        comment = Comment.objects.create(
            post=post,
            parent=parent,
            status=status,
            created_at=start + timedelta(minutes=17 * len(made)),
            **fields,
        )
        made.append(comment)
        return comment

    ada = add(
        name="Ada",
        email="ada@example.com",
        url="https://example.com/ada",
        body="Lovely write-up. Did you try the **second** approach as well?",
        notify=True,
    )
    name = author.get_full_name() or author.get_username()
    answer = add(
        ada,
        name=name,
        email=author.email,
        user=author,
        body="I did, briefly: it was slower, but *much* simpler to read.",
    )
    add(answer, name="Ada", email="ada@example.com", body="Simpler wins for me. Thanks!")
    add(ada, name="Brian", email="brian@example.com", body="Same question here, so thanks both.")
    removed = add(
        status=S.REMOVED, name="Troll", email="troll@example.com", body="Something unkind."
    )
    add(
        removed,
        name="Chidi",
        email="chidi@example.com",
        body="Let's keep it friendly, please. On topic: see [the docs](https://docs.djangoproject.com/).",
    )
    add(name="Dana", email="dana@example.com", body="Bookmarked. Looking forward to part two.")
    # Held the way any comment is: judged by the moderator (its two links reach the policy's
    # default limit), so the queue shows why. A state set by hand would carry no reason.
    held = Comment(
        post=post,
        created_at=start + timedelta(minutes=17 * len(made)),
        name="New reader",
        email="new@example.com",
        body="First time here: is there an RSS feed? I tried https://example.com/feed/ and "
        "https://example.com/rss/ but neither answers.",
    )
    made.append(add_comment(held, note="seed_demo: "))
    add(
        status=S.SPAM,
        reasons=["an advert for replica watches (demo)"],
        name="Cheap watches",
        email="sales@spam.example",
        url="http://spam.example/",
        body="Best replica watches, visit http://spam.example/ now!!!",
    )
    return len(made)


def seed(stdout, posts=2):
    """Conversations under the oldest published posts (the seed story keeps its own)."""
    added = 0
    for post in (
        Post.objects.published().exclude(slug=SEED_STORY_SLUG).order_by("published_at")[:posts]
    ):
        added += seed_comments(post, post.author)
    stdout.write(f"Comments: {added} added.")
    return added
