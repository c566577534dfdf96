import django
import pytest
from django.core.cache import cache
from django_tasks_db.management.commands import db_worker

from blogsite.env import email_settings
from jobs.compat import IMMEDIATE_BACKEND
from jobs.tests.backends import FlakyBackend


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP; production keeps these on (HTTPS=1).
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run at once, inside the test; the queue's own tests use the database backend.
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE_BACKEND}}
    # Pictures a test stores (seed_demo draws one) go to a temporary folder, not media/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    cache.clear()  # each test starts with an empty cache
    # The whole-page cache (posts.pagecache) is its own tests' subject (and the browser
    # tests'): elsewhere a second request must reach the view it tests.
    settings.PAGE_CACHE = False


@pytest.fixture(scope="session")
def plain_http():
    """A live server that speaks plain HTTP (the browser tests, the fediverse peer). Set for
    the whole session, before the server starts: SecurityMiddleware reads its settings once,
    when the server loads it (before any function-scoped ``settings`` fixture runs), and would
    send clients to https://."""
    from django.test.utils import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SECURE_PROXY_SSL_HEADER=None,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    ):
        yield


@pytest.fixture
def limiter_clock(monkeypatch):
    """The rate limiter's clock stopped at the start of an hour (so of every shorter window
    too): its windows are fixed, and on a loaded machine a test's few requests could straddle
    a boundary and all pass."""
    from types import SimpleNamespace

    from comments import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000_800.0))


@pytest.fixture
def site_url(settings):
    """A public ``SITE_URL`` unlike the test client's host (``testserver``): absolute links
    must come from it, not from the request."""
    settings.SITE_URL = "https://blog.example.org"
    return settings.SITE_URL


@pytest.fixture
def use_mailer(settings):
    """Send mail through ``backend`` (MAILERS on Django 6.1+, EMAIL_* on 5.2)."""

    def use(backend, **options):
        mailer = {"BACKEND": backend, "OPTIONS": options}
        for name, value in email_settings(mailer, django.VERSION).items():
            setattr(settings, name, value)

    return use


@pytest.fixture
def flaky_mail(use_mailer):
    """Set ``flaky_mail.errors`` to the failures to come."""
    use_mailer("jobs.tests.backends.FlakyBackend")
    FlakyBackend.errors = []
    yield FlakyBackend
    FlakyBackend.errors = []


@pytest.fixture
def queue(settings, monkeypatch):
    """Tasks wait in the database, as in production; ``queue()`` runs those that are due."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # the worker closes connections between tasks, as Django does between requests: not the
    # test's own (on PostgreSQL that would end the test's transaction)
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run_ready():
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return run_ready
