"""The visitor's comment form (issue 11) in Chromium at a phone's and a desktop's width: their
held comment in place for them alone, messages in view, errors beside the fields, a preview,
the audio captcha where flite is, a delete that asks first; screenshots, no sideways scroll,
no serious axe-core violation."""

import shutil

import pytest
from browsing import fill_comment, start_comment, submit_comment
from test_journeys import hold_everything  # noqa: F401 (a fixture)

from comments.models import Comment
from comments.tests.factories import make_comment
from comments.views import AWAITING, VISIBLE_NOW
from posts.tests.factories import make_post
from tests.e2e.test_pages import _axe, _readable

pytestmark = pytest.mark.browser
WIDTHS = [390, 1280]


@pytest.fixture
def post():
    post = make_post(
        title="Tide tables and other stories",
        body="The *tide* was out.\n\n" + "A paragraph about the sea. " * 40,
    )
    make_comment(post, name="Ada", body="Lovely. When is the next low tide?")
    return post


def _in_view(page, selector):
    """Is the element on screen (not just somewhere on the page)?"""
    return page.evaluate(
        """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                    return r.bottom > 0 && r.top < innerHeight && r.height > 0; }""",
        selector,
    )


def _fits(page, width):
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
            .slice(0, 10)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), overflow


def _no_serious_axe(page, axe_source, what):
    violations = _axe(page, axe_source)
    assert not violations, _readable(what, violations)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_held_reply_is_seen_in_place_by_its_author_alone(
    open_page,
    site,
    artifacts,
    axe_source,
    post,
    hold_everything,  # noqa: F811
    width,
):
    page = open_page(bypass_csp=True)  # axe-core is injected inline
    page.set_viewport_size({"width": width, "height": 800})
    parent = Comment.objects.get(name="Ada")
    page.goto(site + post.get_absolute_url())
    start_comment(page, reply_to=parent.pk)
    fill_comment(page, body="Next Tuesday, I *think*.", name="Grace Hopper")
    response = submit_comment(page)
    assert response.status == 200
    held = Comment.objects.get(name="Grace Hopper")
    assert held.status == Comment.Status.PENDING
    assert page.url.endswith(f"#c{held.pk}")

    mine = page.locator(f"#c{parent.pk} > ol.replies > #c{held.pk}")
    assert mine.locator(".comment-held-badge").inner_text().lower() == "awaiting moderation"
    assert mine.locator(".comment-text em").inner_text() == "think"
    # the message is by the comment, on screen, and says what happens next
    assert mine.locator(".comment-notice").inner_text() == AWAITING
    assert _in_view(page, f"#c{held.pk} .comment-notice")
    assert page.locator("ul.messages").count() == 0
    assert (
        page.locator("#comments-heading").inner_text()
        == "1 comment · 1 of yours awaiting moderation"
    )
    # the "Edit" link (15 minutes) is there too
    assert mine.locator(".comment-edit").count() == 1
    page.screenshot(path=str(artifacts / f"comment-held-{width}.png"), full_page=False)
    _fits(page, width)
    _no_serious_axe(page, axe_source, "the post page with the visitor's held comment")

    # another visitor, and this one's page again after the message was read
    stranger = open_page()
    stranger.goto(site + post.get_absolute_url())
    assert stranger.locator(f"#c{held.pk}").count() == 0
    assert "Next Tuesday" not in stranger.content()
    page.reload()
    assert page.locator(f"#c{held.pk} .comment-held-badge").count() == 1
    assert page.locator(f"#c{held.pk} .comment-notice").count() == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_an_empty_submit_shows_errors_beside_the_fields(
    open_page, site, artifacts, axe_source, post, width
):
    page = open_page(bypass_csp=True)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site + post.get_absolute_url())
    # required fields say so in words, before anything goes wrong
    for label in ("Name", "Email", "Comment"):
        text = page.locator(f"#comment-form label:has-text('{label}')").first.inner_text()
        assert "required" in text.lower(), text
    start_comment(page)
    page.fill("#comment-form input[name=url]", "https://kept.example/")
    page.fill("#comment-form input[name=captcha_1]", "PASSED")
    response = submit_comment(page)
    assert response.status == 400
    assert page.locator("article.post h1").inner_text() == "Tide tables and other stories"
    assert page.url.endswith("#respond")
    assert _in_view(page, "#comment-form-errors")
    name_error = page.locator("#comment-form .field-name .errorlist").inner_text()
    assert "Please give your name" in name_error
    assert "Please give your email" in page.locator("#comment-form .field-email").inner_text()
    assert "Please write a comment" in page.locator("#comment-form .field-body").inner_text()
    assert page.locator("#comment-form input[name=url]").input_value() == "https://kept.example/"
    # the sent-back form has its own picture, shown at once
    assert page.locator("#comment-form .comment-captcha").is_visible()
    page.screenshot(path=str(artifacts / f"comment-form-errors-{width}.png"), full_page=False)
    _fits(page, width)
    _no_serious_axe(page, axe_source, "the post page's form with errors")

    # correcting it sends the comment
    fill_comment(page, body="Now with **everything**.", name="Ada Byron")
    response = submit_comment(page)
    assert response.status == 200
    comment = Comment.objects.get(name="Ada Byron")
    assert page.locator(f"#c{comment.pk} .comment-notice").inner_text() == VISIBLE_NOW


@pytest.mark.parametrize("width", WIDTHS)
def test_preview_shows_the_comment_as_it_will_look_and_sends_nothing(
    open_page, site, artifacts, axe_source, post, width
):
    page = open_page(bypass_csp=True)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site + post.get_absolute_url())
    start_comment(page)
    # before the picture came the box was hidden; now it shows the picture, at twice the old size
    box = page.locator("#comment-form .captcha-image")
    page.wait_for_function(
        "() => { const i = document.querySelector('#comment-form .captcha-image');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    assert box.evaluate("i => i.naturalWidth") >= 170
    fill_comment(page, body="A list:\n\n- **one**\n- two", name="Grace")
    with page.expect_navigation() as navigation:
        page.click("#comment-form button[name=preview]")
    assert navigation.value.status == 200
    preview = page.locator("#comment-form .comment-preview")
    assert preview.locator("strong").inner_text() == "one"
    assert preview.locator("li").count() == 2
    assert _in_view(page, "#comment-form .comment-preview")
    assert Comment.objects.count() == 1  # Ada's only
    assert page.locator("#comment-form textarea[name=body]").input_value() == (
        "A list:\n\n- **one**\n- two"
    )
    assert page.locator("#comment-form input[name=name]").input_value() == "Grace"
    assert page.locator("#comment-form input[name=captcha_1]").input_value() == "PASSED"
    page.screenshot(path=str(artifacts / f"comment-form-preview-{width}.png"), full_page=False)
    page.locator("#comment-form-home").screenshot(path=str(artifacts / f"comment-form-{width}.png"))
    _fits(page, width)
    _no_serious_axe(page, axe_source, "the post page's form with a preview")

    response = submit_comment(page)
    assert response.status == 200
    assert Comment.objects.filter(name="Grace").count() == 1


def test_the_audio_captcha_is_offered_where_flite_is(page, site, post):
    if shutil.which("flite") is None:
        pytest.skip("flite is not installed (tests/e2e/install_deps.sh installs it)")
    page.goto(site + post.get_absolute_url())
    assert not page.locator("#comment-form .comment-captcha").is_visible()  # no empty box
    assert page.locator("#comment-form .captcha-pending").is_visible()
    start_comment(page)
    listen = page.locator("#comment-form .captcha-audio")
    assert listen.is_visible() and listen.inner_text() == "Listen to the letters"
    assert not page.locator("#comment-form .captcha-pending").is_visible()
    sound = page.request.get(site + listen.get_attribute("href"))
    assert sound.status == 200 and sound.headers["content-type"] == "audio/wav"
    assert sound.body()[:4] == b"RIFF"


def test_delete_asks_first_in_a_danger_style(page, site, artifacts, post):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site + post.get_absolute_url())
    start_comment(page)
    fill_comment(page, body="I will think better of this.", name="Hasty")
    submit_comment(page)
    comment = Comment.objects.get(name="Hasty")
    page.click(f"#c{comment.pk} .comment-edit")
    page.screenshot(path=str(artifacts / "comment-edit-390.png"))
    save = page.locator("form.comment-form button[type=submit]")
    delete = page.locator("a.button-danger")
    assert save.evaluate("e => getComputedStyle(e).backgroundColor") != delete.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    with page.expect_navigation():
        delete.click()
    assert "cannot undo" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "comment-delete-390.png"))
    _fits(page, 390)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED  # nothing happened yet
    with page.expect_navigation():
        page.click("button.button-danger")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert "Your comment has been deleted." in page.locator("#comment-notice").inner_text()
    assert _in_view(page, "#comment-notice")
