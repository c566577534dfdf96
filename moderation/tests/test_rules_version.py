"""The policy and block rules are cached under a version kept in the database
(``moderation.rules``): a change made by one process is obeyed by every other on its next
request, whatever its cache (issue 13: "seen at once by every process")."""

import contextlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from django.db import connection

from moderation import rules
from moderation.models import BlockRule, Policy, RulesVersion
from moderation.tests.helpers import submit

ROOT = Path(__file__).resolve().parents[2]

# The web process: serves the site from the shared file with its own local-memory cache.
SERVER = """
import django
django.setup()
from wsgiref.simple_server import WSGIRequestHandler, make_server
from django.core.wsgi import get_wsgi_application
from posts.tests.factories import make_post

post = make_post(title="Ferries of the Indian Ocean", body="Timetables, harbours and boats.")

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
print(server.server_port, post.pk, flush=True)
server.serve_forever()
"""

# The other process (an operator's shell, a second app server): changes policy and rules.
CHANGE = """
from moderation.models import BlockRule, Policy
policy = Policy.objects.get(pk=1)
policy.moderate = Policy.Moderate.ALWAYS
policy.save()
BlockRule.objects.create(kind="word", value="zanzibar ferries", action="spam")
"""


def _environment(database):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "DEBUG", "HTTPS"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="blogsite.settings",
        DATABASE_URL=f"sqlite:///{database}",  # no REDIS_URL: each process its own cache
        DEBUG="1",
        HTTPS="0",
        CAPTCHA_TEST_MODE="1",
        COMMENT_MIN_SECONDS="0",
        COMMENT_RATE_LIMIT="0",
    )
    return environment


def _shared_database(path, environment):
    """A migrated SQLite file: a copy of the (migrated, still empty) test database when it is
    SQLite, else made by ``migrate`` (the suite's PostgreSQL run)."""
    if connection.vendor == "sqlite":  # read through the test's own connection (in its
        connection.ensure_connection()  # transaction, which another connection would wait on)
        target = sqlite3.connect(path)
        target.executescript("\n".join(connection.connection.iterdump()))
        target.close()
        return
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT, env=environment, check=True, capture_output=True, timeout=300,
    )  # fmt: skip


class Visitor:
    """A browser of the web process: cookies, the reply form, its hidden fields."""

    def __init__(self, port, post_id):
        self.base, self.post_id = f"http://127.0.0.1:{port}", post_id
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def comment(self, body):
        form = self.opener.open(f"{self.base}/comments/reply/{self.post_id}/", timeout=60)
        html = form.read().decode()

        def field(name):
            found = re.search(rf'name="{name}" value="([^"]*)"', html)
            return found.group(1) if found else ""

        data = {
            "csrfmiddlewaretoken": field("csrfmiddlewaretoken"), "post": self.post_id,
            "parent": "", "name": "Grace Hopper", "email": "grace@example.com", "url": "",
            "body": body, "homepage": "", "timestamp": field("timestamp"),
            "submission": field("submission"), "captcha_0": field("captcha_0"),
            "captcha_1": "PASSED",
        }  # fmt: skip
        sent = urllib.parse.urlencode(data).encode()
        answer = self.opener.open(f"{self.base}/comments/post/", sent, timeout=60)
        assert answer.status == 200  # the comment's page, after the 302


def _last_comment(path):
    with sqlite3.connect(path) as db:
        status, reasons = db.execute(
            "SELECT status, reasons FROM comments_comment ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return status, json.loads(reasons)


@contextlib.contextmanager
def web_process(environment, script=SERVER):
    """``script`` serving the site in a process of its own; yields the two fields it prints
    once it listens (its port, then a post's id or URL)."""
    server = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        started = server.stdout.readline().split()
        assert len(started) == 2, server.stderr.read() if server.poll() is not None else started
        yield started
    finally:
        server.terminate()
        server.wait(timeout=60)
        server.stdout.close()
        server.stderr.close()


def run_shell(environment, code):
    """``code`` run by ``manage.py shell``: another process, as an operator's shell would be."""
    changed = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr


def test_a_change_in_one_process_is_obeyed_by_another_on_its_next_request(db, tmp_path):
    path = tmp_path / "shared.sqlite3"
    environment = _environment(path)
    _shared_database(path, environment)
    with web_process(environment) as started:
        visitor = Visitor(*started)

        visitor.comment("I took the zanzibar ferries last spring: the timetables were right.")
        status, reasons = _last_comment(path)
        assert "every comment is moderated" not in reasons and status != "spam"
        assert not any(reason.startswith("blocked") for reason in reasons)

        run_shell(environment, CHANGE)

        # the web process's cache still holds the old policy: it must not be believed
        visitor.comment("Are the zanzibar ferries still running from the old harbour?")
        status, reasons = _last_comment(path)
        assert status == "spam"
        assert "blocked phrase 'zanzibar ferries'" in reasons
        assert "every comment is moderated" in reasons


# --- in one process --------------------------------------------------------------------------


def test_every_save_and_delete_moves_the_version_on(db):
    seen = {RulesVersion.current()}
    policy = Policy.load()
    policy.link_limit = 3
    policy.save()
    seen.add(RulesVersion.current())
    rule = BlockRule.objects.create(kind="word", value="pills")
    seen.add(RulesVersion.current())
    BlockRule.objects.filter(pk=rule.pk).delete()  # the admin's "delete selected"
    seen.add(RulesVersion.current())
    assert len(seen) == 4
    assert Policy.load().link_limit == 3 and not rules.current().block_rules


def test_a_rule_added_within_a_request_counts_at_once(db):
    token = rules.begin_request()
    try:
        assert submit(body="Buy cheap pills today").status != "spam"
        BlockRule.objects.create(kind="word", value="cheap pills", action="spam")
        assert submit(body="Buy cheap pills now").status == "spam"
    finally:
        rules.end_request(token)


def test_a_request_reads_the_version_once(db, django_assert_num_queries):
    rules.current()  # the cache is warm for this version
    token = rules.begin_request()
    try:
        with django_assert_num_queries(1):
            Policy.load()
            Policy.load()
            rules.current()
    finally:
        rules.end_request(token)
    with django_assert_num_queries(1):  # outside a request: one query for each reading
        Policy.load()


def test_without_a_cache_the_rules_come_from_the_database(db, settings, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": "redis://127.0.0.1:1/0",
                    "OPTIONS": {"socket_connect_timeout": 0.1}}
    }  # fmt: skip
    BlockRule.objects.create(kind="word", value="cheap pills", action="spam")
    assert [rule.value for rule in rules.current().block_rules.words.values()] == ["cheap pills"]
    assert Policy.load().pk == 1
    assert "cache unavailable" in caplog.text
