"""The real server for the concurrency and load benchmarks: gunicorn on loopback, its database
(a temp SQLite file or a PostgreSQL database made for the run) and the services it leans on.

Everything Django-side runs through ``manage.py`` subprocesses with the server's own
environment, so the benchmark process never imports Django and sees the site only over HTTP.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from load_http import Client
from services import free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
# Variables of the caller that must not leak into the server (it gets exactly what we pass).
SCRUB = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "HTTPS")


def server_env(database_url, **extra):
    """Production settings (DEBUG=0) with plain HTTP on loopback and the comment checks that
    would throttle a benchmark turned off (CONTRACT.md, Configuration)."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="bench-" + "k3y-for-loopback-benchmarks-only-0123456789abcdefgh",
        HTTPS="0",
        ALLOWED_HOSTS=HOST,
        COMMENT_RATE_LIMIT="0",
        CAPTCHA_RATE_LIMIT="0",
        COMMENT_MIN_SECONDS="0",
        CAPTCHA_TEST_MODE="1",
        PYTHONUNBUFFERED="1",
    )
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


def manage(env, *args, timeout=300):
    """``manage.py`` with the server's environment; its stdout, or RuntimeError on failure."""
    r = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if r.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed: {r.stderr.strip()[-2000:]}")
    return r.stdout


def django_json(env, code, timeout=300):
    """Run ``code`` in ``manage.py shell``; it must print one JSON line last."""
    out = manage(env, "shell", "-c", code, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


SEED = """
import json, random
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from comments.models import Comment
from posts.models import Post

POSTS, THREADS, REPLIES = {posts}, {threads}, {replies}
rnd = random.Random(1)
words = "garden winter bread river lantern orchard meadow pencil journey kitchen".split()
author = get_user_model().objects.create_user("benchauthor", "author@example.com")
now = timezone.now()
out = {{"posts": [], "tags": [], "comments": {{}}}}
with transaction.atomic():
    for n in range(POSTS):
        post = Post.objects.create(
            title=f"Load post {{n}}", author=author, status="published",
            published_at=now - timedelta(days=3 * n + 1),
            body=("A paragraph about *things* and [links](https://example.com). " * 15 + "\\n\\n") * 4,
        )
        post.tags.add(f"topic{{n % 5}}", "load test")
        ids = []
        for t in range(THREADS):
            top = Comment(post=post, name=f"Seed {{t}}", email=f"seed{{t}}@example.net",
                          body=" ".join(rnd.choice(words) for _ in range(20)))
            top.save()
            ids.append(top.pk)
            parent = top
            for r in range(REPLIES):
                parent = Comment(post=post, parent=parent, name=f"Seed {{t}}.{{r}}",
                                 email=f"seed{{t}}r{{r}}@example.net",
                                 body=" ".join(rnd.choice(words) for _ in range(20)))
                parent.save()
                ids.append(parent.pk)
        out["posts"].append({{"id": post.pk, "url": post.get_absolute_url(),
                             "month": post.get_absolute_url().rsplit("/", 2)[0] + "/"}})
        out["comments"][post.pk] = ids
out["tags"] = ["topic0", "topic1", "topic2", "topic3", "topic4", "load-test"]
print(json.dumps(out))
"""

STORED = """
import json, sys
from comments.models import Comment
names = json.load(open({path!r}))
found = set(Comment.objects.filter(name__in=names).values_list("name", flat=True))
print(json.dumps({{"missing": sorted(set(names) - found), "total": Comment.objects.count(),
                  "by_status": {{s: Comment.objects.filter(status=s).count()
                                for s in Comment.Status.values}}}}))
"""


def prepare_database(env, posts=20, threads=3, replies=2):
    """Migrate, build the static manifest DEBUG=0 needs, seed posts with approved comments.

    Returns ``{"posts": [{"id", "url", "month"}], "tags": [...], "comments": {id: [ids]}}``.
    """
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    seed = django_json(env, SEED.format(posts=posts, threads=threads, replies=replies))
    seed["comments"] = {int(k): v for k, v in seed["comments"].items()}
    return seed


def check_stored(env, names):
    """Which acknowledged comments (by their unique ``visitor_name``) are missing from the
    database, plus totals. By name, not by the id in the redirect: whatever the moderation
    decided (approved, held, spam), a stored comment counts and a lost one is named."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(sorted(names), f)
    try:
        return django_json(env, STORED.format(path=f.name))
    finally:
        os.unlink(f.name)


class Gunicorn:
    """``gunicorn blogsite.wsgi -w 2`` on a free loopback port; stderr kept in a file."""

    def __init__(self, env, workers=2, name="gunicorn"):
        self.env, self.workers = env, workers
        self.port = free_port()
        self.log_path = Path(tempfile.mkdtemp(prefix="bench-")) / f"{name}.log"
        self.proc = None

    def start(self, timeout=60):
        log = open(self.log_path, "ab")  # noqa: SIM115 (the child owns it)
        self.proc = subprocess.Popen(
            [str(GUNICORN), "blogsite.wsgi", "-w", str(self.workers),
             "-b", f"{HOST}:{self.port}", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        client = Client(HOST, self.port, timeout=5)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()[-2000:]}")
            if client.get("/").status == 200:
                client.close()
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s: {self.log()[-2000:]}")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_report(self):
        """What the server logged that matters: tracebacks, locks, the cache/mail warnings."""
        text = self.log()
        return {
            "database_is_locked": text.count("database is locked"),
            "tracebacks": text.count("Traceback (most recent call last)"),
            "internal_server_error_lines": text.count("Internal Server Error"),
            "rate_limit_skipped_lines": text.count("comment rate limit skipped"),
            "mail_failed_lines": text.count("could not be sent"),
            "log_file": str(self.log_path),
        }


# --- databases ------------------------------------------------------------------------------
# PostgreSQL and Redis are the benchmark's own (services.py): never the machine's.


def sqlite_url():
    path = Path(tempfile.mkdtemp(prefix="bench-sqlite-")) / "bench.sqlite3"
    return f"sqlite:///{path}", path.parent


def remove_dir(path):
    shutil.rmtree(path, ignore_errors=True)
