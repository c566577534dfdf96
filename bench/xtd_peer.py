"""Peer benchmark: a post page with 1,000 threaded comments in django-comments-xtd.

Usage:  python3 bench/xtd_peer.py [--requests N]
        (or, from bench/run.py:  ``from xtd_peer import run; peer = run(ROOT)``)

Issue 3 asks the comment-thread benchmark to report its speed as a ratio to
django-comments-xtd rendering the same 1,000-comment page in the same run.
This script, stdlib only, runs under the project's Python:

1. makes a virtual environment at ``bench/peers/xtd/.venv`` (git-ignored) and
   installs the pinned peer there from PyPI (``PEER_REQUIREMENTS``), once;
   a marker file records what was installed, so later runs skip pip;
2. writes a minimal Django project to ``bench/peers/xtd/project/``, configured
   as django-comments-xtd's quick start and tutorial ("Threads" section) say:
   ``django.contrib.sites`` with ``SITE_ID``, ``django_comments_xtd`` then
   ``django_comments`` in INSTALLED_APPS, ``COMMENTS_APP``,
   ``COMMENTS_XTD_MAX_THREAD_LEVEL``, the app's URLs under ``comments/``, and
   a ``blog`` app whose ``Article`` detail page uses the tutorial's template
   (``get_comment_count``, ``render_comment_form`` and
   ``{% render_xtdcomment_tree for object %}``) with the app's stock
   ``comment_tree.html``;
3. runs ``measure.py`` there with the peer's Python, on a fresh SQLite file:
   three articles get the same 1,000 comments (200 top-level threads of 5;
   even threads are a chain 4 replies deep, odd threads a chain 3 deep plus a
   second reply to the first reply), saved one by one through ``XtdComment``
   so the app computes its own thread data; they differ only in who wrote
   them: ``anonymous`` (nobody logged in), ``logged_in`` (every comment by one
   of 50 registered, non-staff users, ``user`` set as the app does for a
   logged-in commenter) and ``mixed`` (every third comment by a user);
4. for each article, with Django's test ``Client`` as an anonymous reader:
   one warm-up request, then N timed requests (server-side, in-process), and
   one more inside ``CaptureQueriesContext`` for the query count (kept out of
   the timings); checks that every comment is on the page.

Results: a table on stdout and ``bench/results/xtd_peer.json``; ``run()``
returns the same dict. If the peer cannot be installed (no PyPI) or measured,
``run()`` raises ``PeerUnavailable`` and the command exits 2 with one line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER_SUBDIR = Path("bench") / "peers" / "xtd"
RESULTS_SUBPATH = Path("bench") / "results" / "xtd_peer.json"

# Newest django-comments-xtd (2.10.13, checked with `pip index versions`);
# it declares Django>=4.0,<7. Its dependencies are pinned too, so that every
# run measures the same code.
PEER_REQUIREMENTS = (
    "Django==5.2.19",
    "django-comments-xtd==2.10.13",
    "django-contrib-comments==2.2.0",
    "djangorestframework==3.18.3",
)
MAX_THREAD_LEVEL = 4  # replies nest 4 deep: levels 0..4
PIP_TIMEOUT_S = 900
MEASURE_TIMEOUT_S = 1800


class PeerUnavailable(RuntimeError):
    """The peer could not be installed or measured; the message is one line."""


# ---------------------------------------------------------------------------
# The peer project, written to bench/peers/xtd/project/ on every run.

SETTINGS_PY = '''\
"""Settings per django-comments-xtd's quick start and tutorial (threads)."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "peer-benchmark-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_comments_xtd",
    "django_comments",
    "blog",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MAX_THREAD_LEVEL = __MAX_THREAD_LEVEL__
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_XTD_SALT = b"peer-benchmark-salt"
COMMENTS_XTD_FROM_EMAIL = "webmaster@example.com"
COMMENTS_XTD_CONTACT_EMAIL = "helpdesk@example.com"
COMMENTS_XTD_THREADED_EMAILS = False
'''

URLS_PY = """\
from django.urls import include, path

urlpatterns = [
    path("blog/", include("blog.urls")),
    path("comments/", include("django_comments_xtd.urls")),
]
"""

BLOG_MODELS_PY = """\
from django.db import models
from django.urls import reverse


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    body = models.TextField()
    publish = models.DateTimeField()
    allow_comments = models.BooleanField(default=True)

    class Meta:
        ordering = ["-publish"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:post-detail", kwargs={"slug": self.slug})
"""

BLOG_MIGRATION_PY = """\
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Article",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
                ("slug", models.SlugField(unique=True)),
                ("body", models.TextField()),
                ("publish", models.DateTimeField()),
                ("allow_comments", models.BooleanField(default=True)),
            ],
            options={"ordering": ["-publish"]},
        ),
    ]
"""

BLOG_URLS_PY = """\
from django.urls import path
from django.views.generic import DetailView, ListView

from blog.models import Article

app_name = "blog"
urlpatterns = [
    path("", ListView.as_view(model=Article), name="post-list"),
    path("<slug:slug>/", DetailView.as_view(model=Article), name="post-detail"),
]
"""

BASE_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{% block title %}{% endblock %}</title></head>
<body><div class="container">{% block content %}{% endblock %}</div></body>
</html>
"""

# The tutorial's blog/post_detail.html, "Threads" section.
ARTICLE_DETAIL_HTML = """\
{% extends "base.html" %}
{% load comments %}
{% load comments_xtd %}

{% block title %}{{ object.title }}{% endblock %}

{% block content %}
<div class="pb-3">
  <h1 class="page-header text-center">{{ object.title }}</h1>
  <p class="small text-center">{{ object.publish|date:"l, j F Y" }}</p>
</div>
<div>
  {{ object.body|linebreaks }}
</div>

{% get_comment_count for object as comment_count %}
<div class="py-4 text-center">
  <a href="{% url 'blog:post-list' %}">Back to the post list</a>
  &nbsp;&sdot;&nbsp;
  {{ comment_count }} comment{{ comment_count|pluralize }}
  ha{{ comment_count|pluralize:"s,ve" }} been posted.
</div>

{% if object.allow_comments %}
<div class="comment mt-3 mb-5">
  <h4 class="text-center mb-4">Your comment</h4>
  <div class="card pt-4">
    {% render_comment_form for object %}
  </div>
</div>
{% endif %}

{% if comment_count %}
<ul class="media-list">
  {% render_xtdcomment_tree for object %}
</ul>
{% endif %}
{% endblock %}
"""

MEASURE_PY = '''\
"""Seed 1,000 threaded comments per scenario and time the article page."""

import json
import os
import random
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ["DJANGO_SETTINGS_MODULE"] = "peer_site.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_comments_xtd.models import XtdComment  # noqa: E402

from blog.models import Article  # noqa: E402

THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 200  # of 5 comments each
PER_THREAD = 5
USERS = 50
SCENARIOS = {
    # name: which comments (by index) are written by a logged-in user
    "anonymous": lambda i: False,
    "logged_in": lambda i: True,
    "mixed": lambda i: i % 3 == 0,
}

OPENERS = [
    "Thanks for writing this up.", "I have been wondering about this for a while.",
    "Great post, as usual.", "I am not sure I agree with the second point.",
    "This matches what I saw last spring.", "Good question.",
    "We tried exactly this at work last year.", "Interesting take.",
    "I read this twice before it clicked.", "Small correction to the above.",
]
MIDDLES = [
    "The part about the garden path made me laugh, because our street has the same problem every winter.",
    "In my experience the simplest approach tends to last longest, even if it looks boring at first.",
    "My grandmother used to say the same thing about bread: patience does most of the work.",
    "The numbers you quote seem a little optimistic, but the general direction feels right to me.",
    "It took us three attempts and a lot of coffee before the whole thing finally worked.",
    "I would add that the weather makes a big difference, especially in the northern valleys.",
    "The library in town has a good book on this topic if anyone wants to dig deeper.",
    "Half of the trouble comes from rushing, the other half from not asking for help early enough.",
    "We switched last March and nobody in the family wants to go back to the old way.",
    "The photos in the previous post showed this nicely, in case someone missed them.",
]
CLOSERS = [
    "Looking forward to the next one!", "Would love to hear how it goes.",
    "Keep it up.", "Cheers from Lyon.", "Anyway, just my two cents.",
    "Does anyone else have the same experience?", "Thanks again.",
    "I will try it this weekend.", "Hope that helps.", "More of this, please.",
]
FIRST = ["Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas"]
LAST = ["Martin", "Okafor", "Schmidt", "Rossi", "Novak", "Silva", "Larsen", "Dubois", "Kim", "Walsh"]


def comment_text(rnd):
    parts = [rnd.choice(OPENERS), rnd.choice(MIDDLES)]
    if rnd.random() < 0.6:
        parts.append(rnd.choice(CLOSERS))
    return " ".join(parts)


def shape():
    """(index, parent index or None) for the 1,000 comments, in posting order."""
    out = []
    for t in range(THREADS):
        base = t * PER_THREAD
        if t % 2 == 0:  # a chain 4 replies deep: levels 0, 1, 2, 3, 4
            parents = [None, base, base + 1, base + 2, base + 3]
        else:  # a chain 3 deep plus a second reply to the first reply
            parents = [None, base, base + 1, base + 2, base + 1]
        out.extend((base + k, p) for k, p in enumerate(parents))
    return out


def seed():
    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    users = [
        User.objects.create_user(
            username=f"reader{n:02d}",
            email=f"reader{n:02d}@example.org",
            password=None,
            first_name=FIRST[n % 10],
            last_name=LAST[(n // 10) % 10],
        )
        for n in range(USERS)
    ]
    now = timezone.now()
    articles = {}
    for k, (name, by_user) in enumerate(SCENARIOS.items()):
        art = Article.objects.create(
            title=f"A post with {THREADS * PER_THREAD} comments ({name})",
            slug=f"thread-{name}",
            body="A short post.\\n\\nIts comments are the point of the page.",
            publish=now - timedelta(days=40),
        )
        articles[name] = art
        rnd = random.Random(1000 + k)
        start = now - timedelta(days=30)
        ids = {}
        with transaction.atomic():
            for i, parent in shape():
                c = XtdComment(
                    content_object=art,
                    site_id=settings.SITE_ID,
                    comment=comment_text(rnd),
                    submit_date=start + timedelta(minutes=40 * i),
                    is_public=True,
                    ip_address="192.0.2.%d" % (1 + i % 250),
                )
                if by_user(i):
                    u = users[i % USERS]
                    c.user = u
                    c.user_name = u.get_full_name() or u.username
                    c.user_email = u.email
                else:
                    c.user_name = "%s %s" % (FIRST[i % 10], LAST[(i // 10) % 10])
                    c.user_email = "visitor%d@example.net" % (i % 300)
                if parent is not None:
                    c.parent_id = ids[parent]
                c.save()
                ids[i] = c.pk
    return articles


def p90(samples):
    s = sorted(samples)
    return s[max(0, -(-9 * len(s) // 10) - 1)]  # nearest rank


def measure(article, requests):
    client = Client()
    url = article.get_absolute_url()
    r = client.get(url)  # warm-up (template loading, caches)
    if r.status_code != 200:
        raise SystemExit("peer page answered %d" % r.status_code)
    body = r.content.decode()
    shown = len(re.findall(r'id="c[0-9]+"', body))
    times, cpu = [], []
    for _ in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        r = client.get(url)
        cpu.append((time.process_time() - c0) * 1000)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times_sorted = sorted(times)
    n = len(times_sorted)
    median = (times_sorted[(n - 1) // 2] + times_sorted[n // 2]) / 2
    cpu_sorted = sorted(cpu)
    return {
        "median_ms": round(median, 1),
        "cpu_median_ms": round((cpu_sorted[(n - 1) // 2] + cpu_sorted[n // 2]) / 2, 1),
        "p90_ms": round(p90(times), 1),
        "min_ms": round(times_sorted[0], 1),
        "queries": len(ctx.captured_queries),
        "requests": n,
        "comments_by_users": XtdComment.objects.filter(
            object_pk=str(article.pk), user__isnull=False
        ).count(),
        "comments_on_page": shown,
        "page_bytes": len(body.encode()),
        "samples_ms": [round(t, 1) for t in times],
    }


def main():
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    db = Path(settings.DATABASES["default"]["NAME"])
    if db.exists():
        db.unlink()
    t0 = time.perf_counter()
    articles = seed()
    seed_s = time.perf_counter() - t0
    import django_comments_xtd

    out = {
        "django_comments_xtd": django_comments_xtd.get_version(),
        "django": django.get_version(),
        "python": sys.version.split()[0],
        "seed_seconds": round(seed_s, 1),
        "scenarios": {},
    }
    for name, art in articles.items():
        total = XtdComment.objects.filter(object_pk=str(art.pk)).count()
        levels = XtdComment.objects.filter(object_pk=str(art.pk)).values_list("level", flat=True)
        res = measure(art, requests)
        res["comments"] = total
        res["max_level"] = max(levels)
        res["top_level"] = sum(1 for lv in levels if lv == 0)
        if res["comments_on_page"] != total:
            raise SystemExit("page shows %d of %d comments" % (res["comments_on_page"], total))
        out["scenarios"][name] = res
    print("XTD_PEER_JSON " + json.dumps(out))


if __name__ == "__main__":
    main()
'''

PROJECT_FILES = {
    "manage.py": (
        "import os\nimport sys\n\n"
        'if __name__ == "__main__":\n'
        '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")\n'
        "    from django.core.management import execute_from_command_line\n\n"
        "    execute_from_command_line(sys.argv)\n"
    ),
    "peer_site/__init__.py": "",
    "peer_site/settings.py": SETTINGS_PY.replace("__MAX_THREAD_LEVEL__", str(MAX_THREAD_LEVEL)),
    "peer_site/urls.py": URLS_PY,
    "blog/__init__.py": "",
    "blog/models.py": BLOG_MODELS_PY,
    "blog/urls.py": BLOG_URLS_PY,
    "blog/migrations/__init__.py": "",
    "blog/migrations/0001_initial.py": BLOG_MIGRATION_PY,
    "templates/base.html": BASE_HTML,
    "templates/blog/article_detail.html": ARTICLE_DETAIL_HTML,
    "measure.py": MEASURE_PY,
}


# ---------------------------------------------------------------------------


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:300] if lines else "no output"


def ensure_venv(peer_dir: Path) -> Path:
    """Create the peer's virtualenv and install the pinned peer once; return its python."""
    venv = peer_dir / ".venv"
    python = venv / "bin" / "python"
    marker = venv / ".xtd-peer-installed"
    wanted = "\n".join(PEER_REQUIREMENTS) + "\n"
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    if not python.exists():
        if venv.exists():
            shutil.rmtree(venv)
        peer_dir.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(
            [sys.executable, "-m", "venv", str(venv)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if r.returncode != 0:
            raise PeerUnavailable(f"cannot create virtualenv: {_last_line(r.stderr)}")
    cmd = [
        str(python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--timeout",
        "60",
        "--retries",
        "2",
        *PEER_REQUIREMENTS,
    ]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise PeerUnavailable(f"pip install timed out after {PIP_TIMEOUT_S} s") from exc
    if r.returncode != 0:
        errors = [ln for ln in r.stderr.splitlines() if ln.startswith("ERROR")]
        why = errors[-1] if errors else _last_line(r.stderr or r.stdout)
        raise PeerUnavailable(f"pip install failed: {why[:300]}")
    marker.write_text(wanted)
    return python


def write_project(project_dir: Path) -> None:
    if project_dir.exists():
        shutil.rmtree(project_dir)
    for rel, text in PROJECT_FILES.items():
        path = project_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"


def run(
    repo_root: Path | str = ROOT, requests: int = 10, write: bool = True, threads: int = 200
) -> dict:
    """Install (once), seed and measure the peer; return the results dict. ``threads``
    top-level threads of 5 comments (200: the 1,000-comment page; 20: 100 comments).

    Raises PeerUnavailable with a one-line reason when the peer cannot be
    installed or measured. Writes bench/results/xtd_peer.json when ``write``.
    """
    repo_root = Path(repo_root)
    peer_dir = repo_root / PEER_SUBDIR
    python = ensure_venv(peer_dir)
    project = peer_dir / "project"
    write_project(project)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
    try:
        r = subprocess.run(
            [str(python), str(project / "measure.py"), str(requests), str(threads)],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=MEASURE_TIMEOUT_S,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        raise PeerUnavailable(f"measurement timed out after {MEASURE_TIMEOUT_S} s") from exc
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("XTD_PEER_JSON ")]
    if r.returncode != 0 or not lines:
        raise PeerUnavailable(f"measurement failed: {_last_line(r.stderr or r.stdout)}")
    raw = json.loads(lines[-1].split(" ", 1)[1])
    scen = raw["scenarios"]
    result = {
        "peer": "django-comments-xtd",
        "version": raw["django_comments_xtd"],
        "django": raw["django"],
        "python": raw["python"],
        "comments": scen["anonymous"]["comments"],
        "shape": (
            f"{threads} top-level threads of 5 comments: even threads a chain 4 replies deep, "
            "odd threads a chain 3 deep plus a second reply to the first reply; "
            f"COMMENTS_XTD_MAX_THREAD_LEVEL = {MAX_THREAD_LEVEL}"
        ),
        "page": (
            "the tutorial's post_detail.html: get_comment_count, render_comment_form, "
            "{% render_xtdcomment_tree for object %} with the stock comment_tree.html; "
            "SQLite, DEBUG=False, requested by an anonymous reader with django.test.Client"
        ),
        "anonymous": scen["anonymous"],
        "logged_in": scen["logged_in"],
        "mixed": scen["mixed"],
        "scenarios": {
            "anonymous": "no comment has a user",
            "logged_in": "every comment written by a logged-in (registered, non-staff) user",
            "mixed": "every third comment written by a logged-in user",
        },
        "seed_seconds": raw["seed_seconds"],
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    if write:
        out = repo_root / RESULTS_SUBPATH
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def table(result: dict) -> str:
    rows = [
        f"django-comments-xtd {result['version']} on Django {result['django']}, "
        f"{result['comments']} threaded comments, {result['machine']}",
        f"{'scenario':<11} {'by users':>8} {'median ms':>10} {'p90 ms':>8} {'queries':>8}",
    ]
    for name in ("anonymous", "mixed", "logged_in"):
        s = result[name]
        rows.append(
            f"{name:<11} {s['comments_by_users']:>8} {s['median_ms']:>10.1f} "
            f"{s['p90_ms']:>8.1f} {s['queries']:>8}"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10, help="timed requests per scenario")
    args = parser.parse_args()
    t0 = time.perf_counter()
    try:
        result = run(ROOT, requests=args.requests)
    except PeerUnavailable as exc:
        print(f"xtd_peer: peer unavailable: {exc}", file=sys.stderr)
        return 2
    print(table(result))
    print(f"wrote {RESULTS_SUBPATH} in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
