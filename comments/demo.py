"""The demo's conversations for ``seed_demo`` (after the posts app's ``demo``): threads of
replies under the ward-round post, the author and the moderator answering as themselves, and
a short thread under two other posts. Every comment goes through ``add_comment``, so the real
moderation pipeline judges it as it judges a visitor's; the doubtful ones are moderation's."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from comments.models import Comment
from comments.operations import add_comment, set_status
from posts import demo as posts_demo
from posts.models import Post


class Thread:
    """Comments added one after another under ``post``, a little later each time."""

    def __init__(self, post, start):
        self.post, self.when, self.made = post, start, []

    def add(self, body, parent=None, user=None, **fields):
        self.when += timedelta(minutes=37 + 11 * len(self.made))
        if user is not None:
            fields.setdefault("name", user.get_full_name() or user.get_username())
            fields.setdefault("email", user.email)
        comment = Comment(
            post=self.post, parent=parent, user=user, body=body, created_at=self.when, **fields
        )
        self.made.append(add_comment(comment, actor=user, note="seed_demo: "))
        return comment


def ward_round_conversation(post, author, moderator):
    """Threads under the main post: a question the author answers (and is thanked for), a
    reply beside hers, a second thread the moderator joins, a removed comment kept as a
    placeholder for its reply."""
    t = Thread(post, post.published_at + timedelta(hours=2))
    priya = t.add(
        "How do you think aloud in front of the patient without frightening them? When I "
        "said \"pulmonary embolism\" at the bedside last week, the patient's face fell.",
        name="Priya Natarajan", email="priya.n@example.org",
    )  # fmt: skip
    answer = t.add(
        "I have done exactly that. Two things help me: I tell the patient first that we are "
        "going to *talk through the possibilities, most of which we will rule out*, and I "
        "keep the frightening words for the corridor. At the bedside it becomes \"a clot is "
        "one thing we always check for\".",
        parent=priya, user=author,
    )  # fmt: skip
    t.add(
        "\"One thing we always check for\" is perfect. I am stealing that, thank you.",
        parent=answer, name="Priya Natarajan", email="priya.n@example.org",
    )  # fmt: skip
    t.add(
        "As a student: the corridor version is the one I learn the most from. At the bedside "
        "I am too busy watching the patient to follow the reasoning.",
        parent=priya, name="Jamie O'Connor", email="jamie.oconnor@example.net",
    )  # fmt: skip
    felix = t.add(
        "The problem representation is the step our students skip most. We ask them for one "
        "sentence before any differential, and the quality of the differential went up "
        "noticeably. Has anyone tried grading the sentence itself?",
        name="Felix Braun", email="f.braun@example.org", url="https://example.org/felix",
    )  # fmt: skip
    t.add(
        "We tried a three-point scale last year (specific, uses medical terms, names the "
        "time course). It was quick to learn and the tutors agreed with each other well.",
        parent=felix, name="Aisha Karim", email="aisha.karim@example.com",
    )  # fmt: skip
    t.add(
        "Aisha, would you write that scale up as a comment on the assessment post when it "
        "is out? I will link it from the reading list.",
        parent=felix, user=moderator,
    )  # fmt: skip
    rude = t.add(
        "This is all common sense, no need for a blog about it.",
        name="Grumpy registrar", email="grumpy@example.net",
    )  # fmt: skip
    t.add(
        "Common sense to you, perhaps. It was not to me as a student, and posts like this "
        "are how I found the words for it.",
        parent=rude, name="Jamie O'Connor", email="jamie.oconnor@example.net",
    )  # fmt: skip
    set_status(rude, Comment.Status.REMOVED, moderator, reason="seed_demo: unkind, off topic")
    return t.made


SHORT = {
    "illness-scripts-for-beginners": [
        (
            "Owen Harris",
            "owen.harris@example.com",
            "Do you write the three lines before or after the student presents the case?",
        ),
        (
            "author",
            "",
            "After. Before, they copy mine; after, they have to find the lines themselves.",
        ),
        (
            "Helen Moss",
            "helen.moss@example.org",
            "Tried this with my group today. It works, and it took less time than I feared.",
        ),
    ],
    posts_demo.PICTURE_SLUG: [
        (
            "Sam Okoye",
            "sam.okoye@example.net",
            "We do this on a flip chart so it can go up on the wall for the rest of the week. "
            "Do you keep a photo of each board?",
        ),
        (
            "author",
            "",
            "Yes: one photo per session, shared with the group the same day. "
            "The students say it is the best revision note they have.",
        ),
    ],
}


def short_conversation(post, author):
    """A reader's question, the author's answer, and maybe another reader."""
    t = Thread(post, post.published_at + timedelta(days=1))
    question = None
    for name, email, body in SHORT[post.slug]:
        if name == "author":
            t.add(body, parent=question, user=author)
        else:
            comment = t.add(body, name=name, email=email)
            question = question or comment
    return t.made


def seed(stdout):
    """Comments under the demo's posts that have none yet."""
    User = get_user_model()
    author, moderator = (User.objects.filter(username=u).first() for u in ("author", "moderator"))
    if author is None or moderator is None:
        stdout.write("Comments: the demo's logins are missing; no comments added.")
        return 0
    added = []
    posts = Post.objects.filter(
        slug__in=[posts_demo.MAIN_SLUG, "illness-scripts-for-beginners", posts_demo.PICTURE_SLUG]
    )
    for post in posts:
        if post.comments.exists():
            continue
        if post.slug == posts_demo.MAIN_SLUG:
            added += ward_round_conversation(post, author, moderator)
        else:
            added += short_conversation(post, author)
    stdout.write(f"Comments: {len(added)} added.")
    return len(added)
