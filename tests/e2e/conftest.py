"""End-to-end tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Run them in their own pytest process with the captcha's test mode on (django-simple-captcha
reads it once, when Django starts)::

    tests/e2e/install_deps.sh
    CAPTCHA_TEST_MODE=1 .venv/bin/python -m pytest tests/e2e -p no:cacheprovider

Where Chromium, Playwright or axe-core is missing the tests are skipped with a loud message;
under ``CI`` they fail instead. No browser is ever downloaded: Playwright launches
``/usr/bin/chromium`` (``E2E_CHROMIUM`` overrides the path).
"""

import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from django.conf import settings as django_settings

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# from that thread are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent / "artifacts"
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
INSTALL_HINT = "tests/e2e/install_deps.sh installs Debian's chromium, playwright and axe-core"

# The live server answers from several threads at once (the page, its captcha request, its
# picture). An in-memory SQLite database is one connection shared by all of them and by the
# test, which races; a database file gives each thread its own connection, as in production.
_db = django_settings.DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3" and not _db.get("TEST", {}).get("NAME"):
    _tmpdir = tempfile.mkdtemp(prefix="blogsite-e2e-")
    _db.setdefault("TEST", {})["NAME"] = str(Path(_tmpdir) / "test.sqlite3")


def _browser_problem():
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"the Python package playwright is not installed ({INSTALL_HINT})"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is not installed ({INSTALL_HINT})"
    return None


def _loud(message):
    banner = "*" * 78
    text = f"\n{banner}\n  BROWSER TESTS: {message}\n{banner}\n"
    warnings.warn(message, stacklevel=2)
    print(text, flush=True)  # noqa: T201 (a banner on the terminal, on purpose)


def _in_ci():
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    """Skip this folder's tests, loudly, where the browser cannot run (never under CI)."""
    problem = _browser_problem()
    if problem is None or _in_ci():
        return
    _loud(f"SKIPPED: {problem}")
    marker = pytest.mark.skip(reason=f"no browser: {problem}")
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(marker)


def pytest_report_header(config):
    problem = _browser_problem()
    return f"e2e: chromium={CHROMIUM} " + ("ready" if problem is None else f"MISSING: {problem}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _plain_http(plain_http):
    """Every browser test talks to a plain-HTTP live server (``plain_http``, conftest.py)."""


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    problem = _browser_problem()
    if problem:
        # Only reached under CI: elsewhere the collection hook skipped the tests already.
        pytest.fail(f"browser tests cannot run under CI: {problem}", pytrace=False)
    from captcha.conf import settings as captcha_settings

    if not captcha_settings.CAPTCHA_TEST_MODE:
        pytest.fail(
            "the browser tests need the captcha's test mode, read when Django starts: run "
            "CAPTCHA_TEST_MODE=1 .venv/bin/python -m pytest tests/e2e",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _e2e_settings(settings):
    """No rate limit, no minimum time before sending (a browser types faster than a person),
    the page cache on."""
    settings.COMMENT_RATE_LIMIT = settings.CAPTCHA_RATE_LIMIT = (0, 60)
    settings.COMMENT_MIN_SECONDS = 0
    settings.DEBUG = False
    # Readers get whole cached pages, as in production (posts.pagecache): the journeys must
    # work through them (the form's tokens fetched when writing starts, held comments shown).
    settings.PAGE_CACHE = True


@pytest.fixture
def site(live_server):
    """The live server's base URL, without the trailing slash."""
    return live_server.url.rstrip("/")


class PageWatch:
    """What a page did that a test may want to assert on: dialogs, script errors and the
    browser's Content-Security-Policy reports."""

    def __init__(self):
        self.dialogs = []
        self.errors = []
        self.csp = []

    def attach(self, page):
        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def on_console(message):
            if message.type == "error" and "Content Security Policy" in message.text:
                self.csp.append(message.text)

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))


# Nothing a page asks for may leave the machine (payloads and imported posts name outside
# hosts): every request but the live server's goes to a proxy that is not there, and fails at
# once inside the browser (a Playwright route would carry each request through Python).
NO_OUTSIDE = {"server": "http://127.0.0.1:9", "bypass": "localhost,127.0.0.1"}


def _new_page(browser, request, artifacts, **context_options):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, proxy=NO_OUTSIDE, **context_options
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.watch = PageWatch()
    page.watch.attach(page)
    return context, page


def _screenshot_on_failure(request, page, artifacts):
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(artifacts / f"failed-{name}.png"), full_page=True)
        except Exception as error:  # the page may be gone; the failure matters more
            print(f"no failure screenshot: {error}")  # noqa: T201


@pytest.fixture
def page(browser, request, artifacts, site):
    """A fresh browser context (own cookies) with the site's CSP enforced; a test whose pages
    violated the CSP (a blocked script is a broken page) or threw a script error fails."""
    context, page = _new_page(browser, request, artifacts)
    yield page
    _screenshot_on_failure(request, page, artifacts)
    broken = [f"CSP: {text}" for text in page.watch.csp]
    broken += [f"script error: {text}" for text in page.watch.errors]
    context.close()
    report = getattr(request.node, "rep_call", None)
    if broken and report is not None and report.passed:
        pytest.fail("the pages broke in the browser:\n" + "\n".join(broken), pytrace=False)


@pytest.fixture
def open_page(browser, request, artifacts, site):
    """A factory of extra pages, e.g. ``open_page(bypass_csp=True)`` for injecting axe-core."""
    opened = []

    def make(**context_options):
        context, page = _new_page(browser, request, artifacts, **context_options)
        opened.append((context, page))
        return page

    yield make
    for context, page in opened:
        _screenshot_on_failure(request, page, artifacts)
        context.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.is_file():
        message = f"{AXE_JS} is missing ({INSTALL_HINT})"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        _loud(f"SKIPPED accessibility checks: {message}")
        pytest.skip(message)
    return AXE_JS


def pytest_sessionfinish(session, exitstatus):
    if (_db.get("TEST", {}).get("NAME") or "").startswith(tempfile.gettempdir()):
        shutil.rmtree(Path(_db["TEST"]["NAME"]).parent, ignore_errors=True)
