"""Demo content for ``seed_demo``: "Reasoning out loud", a small blog on teaching clinical
reasoning, written for blogsite (the people in it are made up). Its accounts, posts (one with a
picture drawn here, one scheduled, one draft), labels and pages; comments come from the
comments and moderation apps' ``demo`` modules, which run after this one."""

from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from posts.models import BlogSettings, Page, Post
from posts.uploads import store_upload

BLOG_TITLE = "Reasoning out loud"
BLOG_DESCRIPTION = "Notes on teaching clinical reasoning, from the ward to the seminar room."
BYLINE = "Written by Nadia Rahman, a clinical teacher (and, like everyone here, made up)."

# username -> the person and the group (staff role) of each demo login
ACCOUNTS = {
    "author": {"first_name": "Nadia", "last_name": "Rahman", "group": "Authors"},
    "moderator": {"first_name": "Tom", "last_name": "Becker", "group": "Moderators"},
}

MAIN_SLUG = "thinking-out-loud-on-the-ward-round"
PICTURE_SLUG = "a-whiteboard-for-the-differential"
PICTURE_ALT = (
    "A whiteboard sketch: the problem 'breathless, 68, two days' in the middle, with "
    "heart failure, pneumonia and pulmonary embolism around it, each with a finding for it and one against"
)

MAIN_BODY = """\
Ask a consultant how they reached a diagnosis and you will often hear "it was obvious". It
was obvious to them. To the student at the end of the bed it was a jump from a handful of
facts to a confident answer, with nothing in between to learn from.

This year I have been trying one habit on ward rounds: **thinking out loud**. Here is what it
looks like, and what I have learned from doing it badly.

## What thinking out loud means

It means saying the steps that experts usually skip:

1. the *problem representation*: one sentence that sums up the patient ("a 68-year-old
   with two days of breathlessness and a swollen left calf");
2. the few diagnoses that sentence brings to mind, and why;
3. the one finding that would change my mind;
4. what I will do while I wait to find out.

None of this is new. What is new for most students is hearing it from someone who is
unsure, in real time, rather than reading the tidy version in a textbook.

## Three things that made it work

- **Keep it short.** Two minutes per patient at most; the round still has to finish.
- **Say when you are wrong.** The most useful teaching moment this month was the patient
  whose "obvious" pneumonia turned out to be heart failure. The students remembered the
  correction far better than any of my right answers.
- **Hand it over.** By the third week the students were giving the problem representation
  and I was only asking "what else?".

> Reasoning that stays in the teacher's head cannot be taught, only admired.

## What I still get wrong

I talk too much when I am tired, and I forget that a patient is listening. Some of this
belongs in the corridor, not at the bedside. If you have found a way to think aloud in front
of patients without worrying them, please tell me in the comments.
"""

POSTS = [
    {
        "slug": "why-a-blog-about-clinical-reasoning",
        "title": "Why a blog about clinical reasoning?",
        "age": timedelta(days=420, hours=3),
        "tags": ["blogging", "clinical reasoning"],
        "body": (
            "Every teacher I know can explain how the heart pumps. Far fewer can explain how "
            "they decided *this* patient's breathlessness is cardiac.\n\n"
            "That gap is what this blog is about: how doctors think, how we can show that "
            "thinking to students, and how to tell when they have picked it up.\n\n"
            "I will write roughly once a month, mostly about:\n\n"
            "- teaching on ward rounds and in clinics\n"
            "- small-group case discussions\n"
            "- feedback and assessment of reasoning\n"
        ),
    },
    {
        "slug": "illness-scripts-for-beginners",
        "title": "Illness scripts for beginners",
        "age": timedelta(days=330, hours=15),
        "tags": ["clinical reasoning", "illness scripts"],
        "body": (
            "An *illness script* is the story a clinician carries around for each disease: "
            "who gets it, what happens inside, and how it shows itself.\n\n"
            "## A script has three parts\n\n"
            "1. **Who**: the person at risk (age, exposures, history).\n"
            "2. **What goes wrong**: the mechanism, in plain words.\n"
            "3. **What you see**: the symptoms, signs and their timing.\n\n"
            "Students build scripts by meeting patients, but we can speed that up: after "
            "each case, ask them to write the three lines from memory and compare them with "
            "a colleague's."
        ),
    },
    {
        "slug": PICTURE_SLUG,
        "title": "A whiteboard for the differential",
        "age": timedelta(days=75, hours=6),
        "tags": ["clinical reasoning", "teaching tools"],
        "body": None,  # with the picture drawn at seed time, see picture_post_body()
    },
    {
        "slug": MAIN_SLUG,
        "title": "Thinking out loud on the ward round",
        "age": timedelta(days=16, hours=9),
        "tags": ["clinical reasoning", "ward rounds", "medical education"],
        "body": MAIN_BODY,
    },
    {
        "slug": "feedback-in-five-minutes",
        "title": "Feedback in five minutes",
        "age": timedelta(days=6, hours=2),
        "tags": ["feedback", "medical education"],
        "body": (
            "Feedback on reasoning does not need a form or an hour. Five minutes after a "
            "case is enough if you ask the right question.\n\n"
            "> What made you think of that, and what would have changed your mind?\n\n"
            "The first half shows you their reasoning; the second shows whether they can "
            "hold a diagnosis loosely. Both are worth more than a mark out of ten."
        ),
    },
]

SCHEDULED = {
    "slug": "case-based-learning-next-term",
    "title": "Case-based learning next term",
    "tags": ["medical education", "case-based learning"],
    "body": (
        "Next term our third-year students meet one real (anonymised) case a week, in groups "
        "of six, with a tutor who is not allowed to give the answer. Here is the plan, and "
        "how we will know whether it works."
    ),
}
DRAFT = {
    "slug": "draft-assessing-reasoning",
    "title": "Assessing reasoning, not recall",
    "body": "Half-formed notes: script concordance tests, think-aloud OSCE stations, and why "
    "multiple-choice questions reward the wrong thing.",
}
PAGES = [
    {
        "slug": "about",
        "title": "About",
        "body": (
            "I teach medicine on a busy medical ward and write here about **how doctors "
            "learn to reason**.\n\n"
            "This is blogsite's demo: the blog, its author and its commenters are made up, "
            "so you can try every part of it. Sign in at [/admin/](/admin/) with the logins "
            "`make run` printed."
        ),
    },
    {
        "slug": "reading-list",
        "title": "Reading list",
        "body": (
            "Books and ideas that shaped this blog:\n\n"
            "- dual-process thinking: fast pattern recognition and slow analysis\n"
            "- illness scripts and problem representations\n"
            "- deliberate practice and feedback\n\n"
            "Suggestions are welcome in the comments of any post."
        ),
    },
]


def demo_account(username):
    """The demo login ``username`` (``author`` or ``moderator``), staff in its group;
    ``(user, created)``. Created without a usable password: ``seed_demo`` sets and prints it."""
    spec = ACCOUNTS[username]
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": spec["first_name"],
            "last_name": spec["last_name"],
            "email": f"{username}@example.com",
            "is_staff": True,
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=spec["group"]))
    return user, created


def draw_whiteboard():
    """The picture of the whiteboard post, drawn with Pillow: PNG bytes."""
    width, height = 1200, 675
    image = Image.new("RGB", (width, height), "#f7f7f2")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=32)
    small = ImageFont.load_default(size=24)
    draw.rectangle((0, 0, width - 1, height - 1), outline="#9aa0a6", width=14)
    centre = (width // 2, height // 2)
    boxes = [  # (centre of the box, diagnosis, a finding for, a finding against)
        ((250, 140), "Heart failure", "+ crackles, swollen ankles", "- no orthopnoea"),
        ((width - 250, 140), "Pneumonia", "+ fever, cough", "- clear chest film"),
        ((width // 2, height - 130), "Pulmonary embolism", "+ swollen calf", "- no risk factors?"),
    ]

    def box_around(x, y, lines, pad_x=28, pad_y=20):
        right = max(draw.textlength(text, font=f) for text, f in lines) / 2 + pad_x
        tall = sum(f.size + 10 for _, f in lines) / 2 + pad_y
        return (x - right, y - tall, x + right, y + tall)

    for (x, y), *_ in boxes:
        draw.line((centre, (x, y)), fill="#5f6368", width=5)
    problem = "Breathless, 68, two days"
    draw.rounded_rectangle(
        box_around(*centre, [(problem, font)]), 18, fill="#fff3c4", outline="#b8860b", width=4
    )
    draw.text(centre, problem, font=font, fill="#202124", anchor="mm")
    for (x, y), label, good, bad in boxes:
        lines = [(label, font), (good, small), (bad, small)]
        draw.rounded_rectangle(
            box_around(x, y, lines), 16, fill="#ffffff", outline="#1a73e8", width=4
        )
        draw.text((x, y - 36), label, font=font, fill="#1a3a6b", anchor="mm")
        draw.text((x, y + 6), good, font=small, fill="#137333", anchor="mm")
        draw.text((x, y + 40), bad, font=small, fill="#a50e0e", anchor="mm")
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def picture_post_body():
    """The whiteboard post's Markdown, its picture stored through the editor's upload path
    (re-encoded, under MEDIA_ROOT) as a picture an author uploads would be."""
    upload = SimpleUploadedFile("differential-whiteboard.png", draw_whiteboard(), "image/png")
    url = store_upload(upload)
    return (
        "The most useful thing in our seminar room is not the projector. It is the "
        "whiteboard, and one way of drawing on it.\n\n"
        f"![{PICTURE_ALT}]({url})\n\n"
        "## How we draw it\n\n"
        "1. The problem representation goes in the middle, in one line.\n"
        "2. Each diagnosis the group suggests gets a box around it.\n"
        "3. In each box: one finding **for** (green) and one **against** (red).\n\n"
        "A box with nothing against it is either the answer or a sign that nobody looked. "
        "Either way the group knows what to ask next."
    )


def seed_blog_settings():
    settings = BlogSettings.load()
    if settings.title == "blogsite":  # a fresh site: the demo's name (an editor's is kept)
        settings.title = BLOG_TITLE
        settings.description = BLOG_DESCRIPTION
        settings.footer = BYLINE  # moderation's demo adds what the policy does with comments
        settings.save()
    Site.objects.filter(pk=1).update(domain="127.0.0.1:8000", name=settings.title)


def seed(stdout):
    now = timezone.now()  # the posts' times are set once, when each is created
    author, _ = demo_account("author")
    demo_account("moderator")
    seed_blog_settings()

    def add_post(spec, **fields):
        post, created = Post.objects.get_or_create(
            slug=spec["slug"],
            defaults={"title": spec["title"], "author": author, "status": Post.Status.PUBLISHED,
                      **fields},
        )  # fmt: skip
        if created and spec.get("tags"):
            post.tags.add(*spec["tags"])
        return post

    for spec in POSTS:
        if spec["body"] is None and Post.objects.filter(slug=spec["slug"]).exists():
            continue  # the picture is stored once, with its post
        body = spec["body"] if spec["body"] is not None else picture_post_body()
        add_post(spec, body=body, published_at=now - spec["age"])
    # Scheduled: published, its time three days after the first seeding (staff see it in the
    # admin as "Scheduled"; readers get a 404 until then, and then the post).
    add_post(SCHEDULED, body=SCHEDULED["body"], published_at=now + timedelta(days=3))
    add_post(DRAFT, body=DRAFT["body"], status=Post.Status.DRAFT)
    for spec in PAGES:
        Page.objects.get_or_create(
            slug=spec["slug"], defaults={"title": spec["title"], "body": spec["body"]}
        )
    stdout.write(f"Posts: {Post.objects.count()}, pages: {Page.objects.count()}.")


def main_post():
    return Post.objects.filter(slug=MAIN_SLUG).first()
