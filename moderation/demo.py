"""The doubtful comments of ``seed_demo`` (after the comments app's ``demo``), judged by the
real pipeline so each lands in the queue, or in spam, with the reasons it was held for; and the
footer's line on comments, said as the moderation policy has it."""

from datetime import timedelta

from django.utils import timezone

from comments.models import Comment
from comments.operations import add_comment
from moderation import digest
from moderation.models import Policy
from posts import demo as posts_demo
from posts.models import BlogSettings

# The kinds of comment a moderator meets, all under the ward-round post: a generic compliment
# carrying an advert, one advert posted twice with small changes, plain spam, and a genuine
# comment whose two links reach the policy's limit. (Our own words, made-up names and sites.)
DOUBTFUL = [
    {
        "name": "Bright Future Academy",
        "email": "info@brightfuture-academy.example",
        "url": "https://brightfuture-academy.example/",
        "body": "wow nice article.. really enjoyed your blog, so much informative content "
        "here. keep sharing!!\n\nBright Future Academy, best nursing and medical "
        "entrance coaching: https://brightfuture-academy.example/courses",
    },
    {
        "name": "ClinTeach Healthcare",
        "email": "marketing@clinteach-press.example",
        "url": "",
        "body": "Read ClinTeach Healthcare's FREE guide: 20 Tips for Teaching Clinical Reasoning "
        "on the Wards, free to download for a limited time at "
        "https://clinteach-press.example/free-guide",
    },
    {
        "name": "ClinTeach Healthcare",
        "email": "marketing@clinteach-press.example",
        "url": "",
        "body": "Read ClinTeach Healthcare's FREE guide: 20 Tips for Teaching Clinical Reasoning "
        "on the Wards, free to download for a limited time at "
        "https://clinteach-press.example/free-guide\n\nFREE until the end of the "
        "month. The guide gives practical tips for educators, trainees and students who want "
        "to teach reasoning at the bedside with confidence.",
    },
    {
        "name": "cheap pills online",
        "email": "best.deals4u@mail.example",
        "url": "http://cheap-pills.example/",
        "body": "BUY CHEAP PILLS ONLINE!!! no prescription needed, 80% OFF today only, fast "
        "worldwide shipping >>> http://cheap-pills.example/buy http://cheap-pills.example/deal "
        "casino bonus http://win-big.example/",
    },
    {
        "name": "Marta Silva",
        "email": "marta.silva@example.com",
        "url": "",
        "body": "Useful, thank you. Two pieces that helped me teach this: the tutorial on "
        "problem representations at https://example.edu/reasoning/problem-representation and "
        "the think-aloud checklist at https://example.org/teaching/think-aloud.pdf",
    },
]


def policy_note(policy):
    """What the policy does with a new comment, in words for the footer: "moderated" only
    when the policy holds comments for a moderator."""
    if not policy.comments_allowed:
        return "Comments are closed."
    if policy.moderate == Policy.Moderate.ALWAYS:
        return "Comments are moderated: each waits for a moderator before it appears."
    if policy.moderate == Policy.Moderate.OLDER_THAN:
        return (
            f"Comments on posts older than {policy.moderate_after_days} days are moderated; "
            "on newer posts they appear at once unless the spam filter holds them."
        )
    return "Comments appear at once; the spam filter holds doubtful ones for a moderator."


def seed_footer():
    """The demo's footer: its byline and the policy's note (again on each run, so a changed
    policy is said), as long as nobody has edited the footer."""
    settings = BlogSettings.load()
    if settings.footer.startswith(posts_demo.BYLINE):
        settings.footer = f"{posts_demo.BYLINE}\n{policy_note(Policy.load())}"
        settings.save()


def add_doubtful(post):
    """Add the doubtful comments to ``post`` through the pipeline, unless there; return them."""
    if post.comments.filter(email__in=[row["email"] for row in DOUBTFUL]).exists():
        return []
    added = []
    when = timezone.now() - timedelta(hours=5 * len(DOUBTFUL) + 2)  # the queue's last day
    for row in DOUBTFUL:
        when += timedelta(hours=5)
        comment = Comment(post=post, created_at=when, **row)
        added.append(add_comment(comment, note="seed_demo: "))
    return added


def seed(stdout):
    seed_footer()
    post = posts_demo.main_post()
    if post is None:
        stdout.write("Moderation: the demo's ward-round post is missing; no comments added.")
        return 0
    with digest.quiet():
        added = add_doubtful(post)
    held = sum(c.status == Comment.Status.PENDING for c in added)
    spam = sum(c.status == Comment.Status.SPAM for c in added)
    stdout.write(f"Moderation: {len(added)} doubtful comments added: {held} held, {spam} spam.")
    return len(added)
