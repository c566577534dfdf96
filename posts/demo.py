"""Demo content for ``seed_demo``: a small medical-education blog, including the seed story."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.utils import timezone

from posts.models import BlogSettings, Page, Post

SEED_STORY = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed-story" / "post.txt"
SEED_STORY_SLUG = "social-media-in-medical-education-its-all-about-the-network"
UTC = ZoneInfo("UTC")

SEED_STORY_FALLBACK = """What is the role of Twitter in medical education?

I started using Twitter (and this blog) because I wanted to connect with people who I didn't
know how to connect with otherwise. I found a wonderful network of people who I continually
learn from.

So how can we, committed to health professional education, help our students? I think we can
do the same thing. We can give our students access to our knowledge networks."""

POSTS = [
    {
        "title": "Why I started a blog about teaching medicine",
        "slug": "why-i-started-a-blog",
        "published_at": datetime(2013, 11, 4, 9, 30, tzinfo=UTC),
        "tags": ["blogging", "medical education"],
        "body": (
            "After ten years of teaching on the wards I kept having the same conversations.\n\n"
            "This blog is where I will **think out loud** about how doctors learn: on ward "
            "rounds, in simulation suites, and increasingly *online*.\n\n"
            "- what works in small-group teaching\n- what students tell us about feedback\n"
            "- how networks change the way we learn\n"
        ),
    },
    {
        "title": "Feedback that students can use",
        "slug": "feedback-that-students-can-use",
        "published_at": datetime(2014, 1, 15, 18, 0, tzinfo=UTC),
        "tags": ["feedback", "medical education", "assessment"],
        "body": (
            "Students say they get too little feedback; teachers say they give plenty. Both "
            "are right.\n\n> Feedback is only feedback when it changes what happens next.\n\n"
            "Three habits help: name the behaviour, say why it matters, agree one next step."
        ),
    },
    {
        "title": "social media in medical education... it's all about the network",
        "slug": SEED_STORY_SLUG,
        "published_at": datetime(2014, 3, 20, 21, 14, tzinfo=UTC),
        "tags": ["social media", "medical education", "Twitter"],
        "body": None,  # read from the seed story
    },
    {
        "title": "Simulation is not only for surgeons",
        "slug": "simulation-is-not-only-for-surgeons",
        "published_at": datetime(2014, 6, 2, 8, 0, tzinfo=UTC),
        "tags": ["simulation", "teamwork"],
        "body": (
            "Our first interprofessional simulation day brought nurses, pharmacists and "
            "junior doctors into one room.\n\n## What we learned\n\n1. Debriefing matters "
            "more than the scenario.\n2. Psychological safety comes first.\n"
        ),
    },
    {
        "title": "Éducation médicale et réseaux : notes d'un congrès",
        "slug": "education-medicale-et-reseaux",
        "published_at": datetime(2015, 9, 12, 14, 0, tzinfo=UTC),
        "tags": ["éducation médicale", "conferences"],
        "body": (
            "Quelques notes (en français) du congrès de pédagogie médicale à Lyon : "
            "les étudiants veulent des communautés, pas seulement des cours."
        ),
    },
]


def seed_story_body():
    """The seed story's post text, without the saved page's comment section."""
    if not SEED_STORY.exists():
        return SEED_STORY_FALLBACK
    text = SEED_STORY.read_text(encoding="utf-8")
    lines = text.splitlines()[3:]  # date line, blank, title
    body = []
    for line in lines:
        if line.strip().startswith("1. ") or line.strip().startswith("1."):
            break
        body.append(line)
    return "\n".join(body).strip()


def seed(stdout):
    User = get_user_model()
    owner, created = User.objects.get_or_create(
        username="sarah",
        defaults={"first_name": "Sarah", "last_name": "Whitfield", "email": "sarah@example.com",
                  "is_staff": True},
    )  # fmt: skip
    if created:
        owner.set_unusable_password()
        owner.save()
        owner.groups.add(Group.objects.get(name="Editors"))

    settings = BlogSettings.load()
    if settings.title == "blogsite":
        settings.title = "Networked learning"
        settings.description = "Notes on medical education, social media and the people in between."
        settings.footer = "Written by Sarah Whitfield. Comments are moderated."
        settings.save()
    Site.objects.filter(pk=1).update(domain="127.0.0.1:8000", name=settings.title)

    for spec in POSTS:
        body = spec["body"] if spec["body"] is not None else seed_story_body()
        post, created = Post.objects.get_or_create(
            slug=spec["slug"],
            defaults={"title": spec["title"], "author": owner, "body": body,
                      "status": Post.Status.PUBLISHED, "published_at": spec["published_at"]},
        )  # fmt: skip
        if created:
            post.tags.add(*spec["tags"])

    now = timezone.now()
    scheduled, created = Post.objects.get_or_create(
        slug="journal-club-goes-online",
        defaults={"title": "Journal club goes online", "author": owner,
                  "body": "From next month our journal club meets on a shared document and a "
                          "weekly video call. Here is how to join.",
                  "status": Post.Status.PUBLISHED, "published_at": now + timedelta(days=3)},
    )  # fmt: skip
    if created:
        scheduled.tags.add("journal club", "medical education")
    Post.objects.get_or_create(
        slug="draft-assessment-ideas",
        defaults={"title": "Draft: ideas about assessment", "author": owner,
                  "body": "Half-formed thoughts on workplace-based assessment.",
                  "status": Post.Status.DRAFT},
    )  # fmt: skip
    Page.objects.get_or_create(
        slug="about",
        defaults={"title": "About",
                  "body": "I teach medicine and write about **how doctors learn**. This blog "
                          "started on Blogger in 2013."},
    )  # fmt: skip
    stdout.write(f"Posts: {Post.objects.count()}, pages: {Page.objects.count()}.")
