"""The readers' pages at a phone's and a desktop's width: nothing scrolls sideways, axe-core
finds nothing serious, and a screenshot of each is kept in tests/artifacts/ to look at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from posts.tests.factories import make_page, make_post
from tests.e2e.test_pages import _axe, _readable

pytestmark = pytest.mark.browser

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3


@pytest.fixture
def blog_pages():
    """Three posts in a row (so the middle one has newer and older links), one cut off with
    headings in its first words, posts last year for a closed archive year, a page."""
    now = timezone.now()
    make_post(
        title="A year ago: what we planned",
        body="Plans for the year.",
        published_at=now - timedelta(days=400),
        tags=["plans"],
    )
    older = make_post(
        title="An older post with a rather long title that has to wrap on a phone",
        body="A short post.",
        published_at=now - timedelta(days=3),
        tags=["notes"],
    )
    post = make_post(
        title="Reading a long post on a phone",
        body=(
            "## Why this matters\n\nA heading in the first words of a post must not look "
            "like the post's title in a list. " + "More words follow here. " * 20 + "\n\n"
            "### A smaller heading\n\nA long unbroken word: " + LONG_WORD + "\n\n"
            "```\n" + "long_code_line = " + "x" * 150 + "\n```\n\n"
            "| Column | Another column | A third |\n|---|---|---|\n| 1 | 2 | 3 |\n"
        ),
        published_at=now - timedelta(days=2),
        tags=["notes", "reading on phones", "medical education"],
    )
    make_post(
        title="The newest post",
        body="Newest words.",
        published_at=now - timedelta(days=1),
        tags=["notes"],
    )
    make_page(title="About", slug="about", body="Who writes here, and why.")
    return {"post": post, "older": older}


def reader_paths(blog_pages):
    post = blog_pages["post"]
    date = timezone.localtime(post.published_at)
    return {
        "index": "/",
        "post": post.get_absolute_url(),
        "tag": "/tag/notes/",
        "archive": f"/{date.year}/{date.month:02d}/",
        "page": "/p/about/",
        "search": "/search/?q=phone",
    }


@pytest.mark.parametrize("width", [390, 1280])
def test_reader_pages_fit_the_screen_and_pass_axe(
    open_page, site, artifacts, axe_source, blog_pages, width
):
    # axe-core is injected as an inline script, which the site's CSP forbids: bypass it here
    page = open_page(bypass_csp=True)
    page.set_viewport_size({"width": width, "height": 900})
    failures = []
    for name, path in reader_paths(blog_pages).items():
        response = page.goto(site + path)
        assert response.status == 200, f"{name}: {response.status}"
        page.screenshot(path=str(artifacts / f"reader-{name}-{width}.png"), full_page=True)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            failures.append(f"{name} ({path}) scrolls sideways: {scroll} > {inner}")
        violations = _axe(page, axe_source)
        if violations:
            failures.append(_readable(f"{name} ({path}) at {width}px", violations))
    assert not failures, "\n\n".join(failures)


def test_reader_sees_read_more_newer_older_and_a_folding_archive(page, site, blog_pages):
    post = blog_pages["post"]
    page.goto(site + "/")
    page.get_by_role("link", name=f"Read more of “{post.title}”").click()
    page.wait_for_url(site + post.get_absolute_url())
    page.click("nav.post-nav a.older")
    page.wait_for_url(site + blog_pages["older"].get_absolute_url())
    page.click("nav.post-nav a.newer")
    page.wait_for_url(site + post.get_absolute_url())
    # the archive: this year open, last year folded, and it opens without script
    years = page.locator(".sidebar details")
    assert years.count() == 2
    assert years.nth(0).get_attribute("open") is not None
    assert not years.nth(1).locator("a").first.is_visible()
    years.nth(1).locator("summary").click()
    assert years.nth(1).locator("a").first.is_visible()
    # the favicon the page links is served
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).status == 200
    assert page.request.get(site + "/favicon.ico").status == 200
