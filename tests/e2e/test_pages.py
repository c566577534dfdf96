"""How our pages look and whether everyone can use them: screenshots of a threaded
conversation at phone and desktop widths, and axe-core over the readers' pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import make_comment
from posts.tests.factories import make_post

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")


@pytest.fixture
def conversation():
    """A post under a real-looking conversation: three threads, replies four levels deep,
    a commenter's website, a removed comment kept as a placeholder for its reply, a long
    unbroken link and code; and an older post so the archive has two months."""
    make_post(
        title="Last month's notes",
        published_at=timezone.now() - timedelta(days=45),
        tags=["notes"],
    )
    post = make_post(
        title="Threaded conversations, like Blogger's",
        body=(
            "Blogger and WordPress readers **reply to each other**.\n\n"
            "## What we measured\n\n- one query\n- one pass\n\n> A quotation.\n\n"
            "```\nprint('hello')\n```\n"
        ),
        tags=["comments", "django"],
    )
    ada = make_comment(post, name="Ada", body="First! This reads *very* well.")
    grace = make_comment(
        post, ada, name="Grace Hopper", url="https://example.com/grace", body="Agreed, Ada."
    )
    deeper = make_comment(post, grace, name="Ada", body="Thank you, Grace.\n\n> Agreed, Ada.")
    make_comment(post, deeper, name="Linus", body="Level four: `code` and **bold**.")
    make_comment(post, ada, name="Margaret", body="Another reply to the first comment.")
    removed = make_comment(post, name="Spammer", body="buy now")
    make_comment(post, removed, name="Barbara", body="The comment above was spam; I reply anyway.")
    Comment.objects.filter(pk=removed.pk).update(status=Comment.Status.REMOVED)
    make_comment(
        post,
        name="Alan",
        body="A long link: https://example.com/" + "a-very-long-path-segment" * 8,
    )
    from comments.models import touch_post

    touch_post(post.pk)
    post.refresh_from_db()
    return post


@pytest.mark.parametrize("width", [390, 1280])
def test_post_page_screenshots(page, site, artifacts, conversation, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + conversation.get_absolute_url())
    assert page.locator("li.comment").count() == 8
    # as a visitor sees it once they start writing: the captcha picture is there
    page.click("#comment-form textarea[name=body]")
    page.wait_for_function(
        "() => { const i = document.querySelector('#comment-form .captcha-image');"
        " return i && !i.hidden && i.complete && i.naturalWidth > 0; }"
    )
    page.evaluate("window.scrollTo(0, 0)")
    assert page.locator(".comment-placeholder").inner_text() == "This comment has been removed"
    page.screenshot(path=str(artifacts / f"post-{width}.png"), full_page=True)
    # nothing sticks out sideways: a phone reader never scrolls horizontally
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                      (e.className && typeof e.className === 'string' ? '.' + e.className : ''))
            .slice(0, 10)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, overflow
    assert not page.watch.errors, page.watch.errors


@pytest.mark.parametrize("width", [390, 1280])
def test_the_reply_page_opens_with_its_heading(page, site, artifacts, conversation, width):
    """A page of its own: no empty band or rule between the blog's header and the heading
    (the thread's section under a post has both, to set it off from the post)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + f"/comments/reply/{conversation.pk}/")
    section = page.locator("section.comment-standalone")
    assert section.evaluate("e => getComputedStyle(e).borderTopWidth") == "0px"
    header_bottom = page.evaluate(
        "document.querySelector('.site-header').getBoundingClientRect().bottom"
    )
    heading_top = page.locator("section.comment-standalone h1").bounding_box()["y"]
    assert heading_top - header_bottom < 64, (header_bottom, heading_top)
    page.screenshot(path=str(artifacts / f"reply-page-{width}.png"), full_page=True)


def _axe(page, axe_source):
    """Run axe-core on the loaded page; return the serious and critical violations."""
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                          summary: n.failureSummary}))}));
        }"""
    )
    return [v for v in result if v["impact"] in SERIOUS]


def _readable(url, violations):
    lines = [f"axe-core found {len(violations)} serious/critical violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html']}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


def _page_urls(post):
    date = timezone.localtime(post.published_at)
    return {
        "index": "/",
        "post": post.get_absolute_url(),
        "month archive": f"/{date.year}/{date.month:02d}/",
        "tag": "/tag/comments/",
        "search": "/search/?q=conversations",
        "comment form": f"/comments/reply/{post.pk}/",
        "reply form": f"/comments/reply/{post.pk}/?replyto="
        + str(Comment.objects.filter(post=post, name="Grace Hopper").get().pk),
    }


def test_accessibility_of_readers_pages(open_page, site, conversation, axe_source):
    # axe-core is injected as an inline script, which the site's CSP (rightly) forbids:
    # only these checks run with the CSP bypassed.
    page = open_page(bypass_csp=True)
    failures = []
    for name, path in _page_urls(conversation).items():
        response = page.goto(site + path)
        assert response.status == 200, f"{name}: {response.status}"
        if name == "post":  # the form as a visitor sees it once they start writing
            page.click("#comment-form textarea[name=body]")
            page.wait_for_function(
                "() => document.querySelector('#comment-form input[name=captcha_0]').value"
            )
        violations = _axe(page, axe_source)
        if violations:
            failures.append(_readable(f"{name} ({path})", violations))
    assert not failures, "\n\n".join(failures)


def test_accessibility_of_the_form_with_errors(open_page, site, conversation, axe_source):
    """The form sent back with errors (HTTP 400) is where people most need help."""
    page = open_page(bypass_csp=True)
    page.goto(site + f"/comments/reply/{conversation.pk}/")
    page.fill("#comment-form textarea[name=body]", "Kept text")
    page.fill("#comment-form input[name=captcha_1]", "WRONG")
    with page.expect_navigation() as navigation:
        page.click("#comment-form button[type=submit]")
    assert navigation.value.status == 400
    violations = _axe(page, axe_source)
    assert not violations, _readable("the comment form with errors", violations)
