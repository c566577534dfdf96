"""Every page we template, on the demo ``make run`` loads, at a phone's and a desktop's width:
nothing scrolls sideways (``scrollWidth <= innerWidth``), axe-core finds nothing serious or
critical, and a screenshot of each goes to tests/artifacts/sweep-<page>-<width>.png.

test_pages.py and test_reader_pages.py check the readers' pages on small made-up posts; this
sweep adds what they leave out (error pages, the login and password-reset pages, the
commenter's edit, confirm and unsubscribe pages, the admin home of each role, the queue) and
goes over the readers' pages again with the demo's content: the picture, the real thread."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comments import tokens
from logins import throttle
from posts import demo
from posts.models import Page, Post
from tests.e2e.browsing import post_comment
from tests.e2e.test_pages import _axe, _readable

pytestmark = pytest.mark.browser

WIDTHS = [390, 1280]
LOGIN_LINE = re.compile(r"^\w+ login: (\w+) / (\S+)", re.MULTILINE)
# What pins an element to the right of the viewport, to say in a failure what sticks out.
OVERFLOW_JS = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
              (e.className && typeof e.className === 'string' ? '.' + e.className : ''))
    .slice(0, 8)"""


@pytest.fixture
def demo_site(settings):
    """The demo, seeded as ``make run`` seeds it; the logins' passwords."""
    settings.SERVE_MEDIA = True  # make run has DEBUG=1, which serves /media/
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return dict(LOGIN_LINE.findall(out.getvalue()))


def reader_paths():
    post = demo.main_post()
    date = timezone.localtime(post.published_at)
    return {
        "index": "/",
        "post": post.get_absolute_url(),
        "picture-post": Post.objects.get(slug=demo.PICTURE_SLUG).get_absolute_url(),
        "archive-year": f"/{date.year}/",
        "archive-month": f"/{date.year}/{date.month:02d}/",
        "tag": "/tag/clinical-reasoning/",
        "page": Page.objects.get(slug="about").get_absolute_url(),
        "search": "/search/?q=reasoning",
        "search-nothing": "/search/?q=zzzzunfound",
        "reply-form": f"/comments/reply/{post.pk}/",
        "404": "/no/such/page/",
    }


def visitor_paths():
    """Pages a commenter meets from a mail or an old link."""
    closed = Post.objects.get(slug="feedback-in-five-minutes")
    Post.objects.filter(pk=closed.pk).update(allow_comments=False)
    email = "priya.n@example.org"
    return {
        "comments-closed": f"/comments/reply/{closed.pk}/",
        "confirm": f"/comments/confirm/{tokens.confirm_token(email)}/",
        "unsubscribe": f"/comments/unsubscribe/{tokens.unsubscribe_token(email)}/",
        "link-invalid": "/comments/confirm/not-a-token/",
        "403": f"/comments/{demo.main_post().comments.first().pk}/edit/",  # not this browser's
    }


def login_paths():
    admin = get_user_model().objects.get(username="admin")
    uid = urlsafe_base64_encode(force_bytes(admin.pk))
    return {
        "login": "/admin/login/",
        "password-reset": "/admin/password_reset/",
        "password-reset-done": "/admin/password_reset/done/",
        "password-reset-confirm": f"/admin/reset/{uid}/{default_token_generator.make_token(admin)}/",
        "password-reset-complete": "/admin/reset/done/",
    }


class Sweep:
    """Visits pages at one width, screenshots them and collects what fails."""

    def __init__(self, page, site, artifacts, axe_source, width):
        self.page, self.site, self.artifacts = page, site, artifacts
        self.axe_source, self.width = axe_source, width
        self.failures, self.seen = [], []
        page.set_viewport_size({"width": width, "height": 900})

    def visit(self, name, path, status=200):
        response = self.page.goto(self.site + path)
        if response.status != status:
            self.failures.append(f"{name} ({path}): HTTP {response.status}, not {status}")
        self.check(name, path)

    def check(self, name, path=""):
        page = self.page
        page.wait_for_load_state("load")
        self.seen.append(name)
        page.screenshot(path=str(self.artifacts / f"sweep-{name}-{self.width}.png"), full_page=True)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            self.failures.append(
                f"{name} ({path}) scrolls sideways at {self.width}px: {scroll} > {inner}; "
                f"sticking out: {page.evaluate(OVERFLOW_JS)}"
            )
        violations = _axe(page, self.axe_source)
        if violations:
            self.failures.append(_readable(f"{name} ({path}) at {self.width}px", violations))

    def served(self, name, html):
        """A page the server renders only when something breaks (500, 503): the template's
        HTML answered at a URL of the site, so its stylesheet loads as it would."""
        url = f"{self.site}/__sweep/{name}/"
        self.page.route(url, lambda route: route.fulfill(status=200, body=html,
                                                         content_type="text/html"))  # fmt: skip
        self.page.goto(url)
        self.check(name, f"(the {name}.html template)")

    def login(self, username, password):
        self.page.context.clear_cookies()
        self.page.goto(f"{self.site}/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("input[type=submit], button[type=submit]")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_passes_axe(
    open_page, site, artifacts, axe_source, demo_site, width
):
    # axe-core is injected as an inline script, which the site's CSP forbids: bypass it here
    page = open_page(bypass_csp=True)
    sweep = Sweep(page, site, artifacts, axe_source, width)

    for name, path in reader_paths().items():
        sweep.visit(name, path, status=404 if name == "404" else 200)
    for name, path in visitor_paths().items():
        status = {"comments-closed": 403, "link-invalid": 400, "403": 403}.get(name, 200)
        sweep.visit(name, path, status)
    for name in ("500", "503"):
        sweep.served(name, render_to_string(f"{name}.html"))

    # the commenter's own comment: the post page with it, and its edit page
    post = demo.main_post()
    page.goto(site + post.get_absolute_url())
    mine = post_comment(
        page, body="Thank you for this; I will try the corridor version tomorrow.",
        name="Rosa Lind", email="rosa.lind@example.com",
    )  # fmt: skip
    sweep.check("post-after-commenting", page.url)
    sweep.visit("comment-edit", f"/comments/{mine.pk}/edit/")

    for name, path in login_paths().items():
        sweep.visit(name, path)

    # the admin's home as each role sees it, and the moderators' queue
    for username in ("admin", "author", "moderator"):
        sweep.login(username, demo_site[username])
        sweep.visit(f"admin-index-{username}", "/admin/")
    sweep.visit("moderation-queue", "/admin/moderation/queue/")

    # the login paused after too many wrong passwords (429)
    page.context.clear_cookies()
    for _ in range(throttle.PAIR_LIMIT):
        sweep.login("author", "not the password")
    sweep.login("author", demo_site["author"])
    assert page.locator(".errornote").inner_text().startswith("Too many failed logins")
    sweep.check("login-locked", "/admin/login/ (429)")

    assert len(sweep.seen) == 30, sweep.seen
    assert not sweep.failures, "\n\n".join(sweep.failures)


def test_the_demo_post_page_shows_the_thread_and_the_picture(page, site, artifacts, demo_site):
    """The demo's two best pages as a reader first meets them, kept for the README."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + demo.main_post().get_absolute_url())
    assert page.locator(".comment-badge", has_text="Author").count() == 1
    assert page.locator(".comment-badge", has_text="Staff").count() == 1
    assert page.locator(".comment-placeholder").count() == 1
    page.screenshot(path=str(artifacts / "demo-post-1280-full.png"), full_page=True)
    # the post and its thread, down to the comment form: the README's picture
    form_top = page.evaluate(
        "() => document.getElementById('respond').getBoundingClientRect().top + scrollY"
    )
    page.screenshot(
        path=str(artifacts / "demo-post-1280.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": form_top - 16},
    )
    page.goto(site + Post.objects.get(slug=demo.PICTURE_SLUG).get_absolute_url())
    picture = page.locator(f'img[alt="{demo.PICTURE_ALT}"]')
    picture.wait_for()
    assert page.evaluate("i => i.complete && i.naturalWidth", picture.element_handle()) == 1200
    page.screenshot(path=str(artifacts / "demo-picture-post-1280.png"), full_page=True)
