"""The author's journey in Chromium (issue 11): on a 390 px phone an Author writes a post, inserts
a picture with alt text, picks an existing label, schedules the post, and the preview is what
the post page shows; the textarea keeps its height while they type. Screenshots at 390 and
1280 px, axe-core and no sideways scroll on the editor and the writer's home."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image

from comments.models import Comment
from posts.models import BlogSettings, Post
from posts.tests.factories import make_post, make_user

pytestmark = pytest.mark.browser

PASSWORD = "e2e-Long-passphrase-42"
SERIOUS = ("serious", "critical")
ADD = "/admin/posts/post/add/"
ZONE = "Europe/Paris"
BODY = """Waders come back to the estuary in October.

## What to bring

- binoculars
- a flask of tea
- the tide table

A line of `code` and a block:

    high water 07:42
"""
# What readers see of each kind of element: the preview must show it the same way.
STYLES = ["fontFamily", "fontSize", "fontWeight", "lineHeight", "color", "listStyleType",
          "backgroundColor", "marginLeft", "paddingLeft", "whiteSpace"]  # fmt: skip
KINDS = [
    "h1",
    ".body h2",
    ".body p",
    ".body li",
    ".body ul",
    ".body code",
    ".body pre",
    ".body img",
]


@pytest.fixture(autouse=True)
def _blog(settings):
    settings.TIME_ZONE = ZONE
    blog = BlogSettings.load()
    blog.title = "Estuary Notes"
    blog.save()


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    """/media/ answered by the project's own route, as under ``make run``."""
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda handler, path: False)
    settings.MEDIA_ROOT = tmp_path
    settings.SERVE_MEDIA = True
    return tmp_path


def _user(groups, **fields):
    user = make_user(staff=True, groups=groups, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def author():
    return _user(["Authors"], first_name="Wren", last_name="Walker")


@pytest.fixture
def labels():
    make_post(title="Curlews at dawn", tags=["medical education", "birds", "estuary walks"])


def _login(page, site, user, next_url):
    page.goto(f"{site}/admin/login/?next={next_url}")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit], button[type=submit]")


def _phone(open_page, **options):
    page = open_page(**options)
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def _no_sideways_scroll(page):
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')).slice(0, 10)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), overflow


def _axe(page, axe_source):
    page.add_script_tag(path=str(axe_source))
    violations = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.html.slice(0, 160))}));
        }"""
    )
    return [v for v in violations if v["impact"] in SERIOUS]


def _height(page):
    return page.locator("#id_body").evaluate("e => e.getBoundingClientRect().height")


def _preview(page):
    return page.frame_locator("iframe.editor-preview-frame")


def _wait_previewed(page, text):
    """Until the preview frame's body shows ``text`` (markdownx asks the server after a pause)."""
    page.wait_for_function(
        """text => {
            const frame = document.querySelector('iframe.editor-preview-frame');
            const body = frame && frame.contentDocument && frame.contentDocument.querySelector('.body');
            return !!body && body.textContent.includes(text);
        }""",
        arg=text,
    )


def _png():
    data = io.BytesIO()
    Image.new("RGB", (900, 600), "seagreen").save(data, "PNG")
    return data.getvalue()


def _styles(frame_or_page):
    return frame_or_page.evaluate(
        """([kinds, props]) => Object.fromEntries(kinds.map(kind => {
            const e = document.querySelector('article.post ' + kind);
            if (!e) return [kind, null];
            const s = getComputedStyle(e);
            return [kind, Object.fromEntries(props.map(p => [p, s[p]]))];
        }))""",
        [KINDS, STYLES],
    )


def test_author_writes_a_post_with_a_picture_on_a_phone_and_schedules_it(
    open_page, site, author, labels, media, artifacts
):
    page = _phone(open_page)
    _login(page, site, author, ADD)
    assert page.url == site + ADD
    assert page.title().endswith("Estuary Notes admin")
    assert "Estuary Notes" in page.locator("#site-name").inner_text()

    page.locator("#id_title").press_sequentially("Waders on the mudflats")
    assert page.locator("#id_slug").input_value() == "waders-on-the-mudflats"
    body = page.locator("#id_body")
    start = _height(page)
    assert start >= 250
    body.click()
    heights = set()
    for line in BODY.splitlines(keepends=True):
        body.press_sequentially(line.rstrip("\n"))
        if line.endswith("\n"):
            body.press("Enter")
        heights.add(_height(page))
    # a hundred more lines than the box holds, then all deleted: still the same box
    body.press("End")
    body.press_sequentially("\nmore" * 40)
    heights.add(_height(page))
    for _ in range(40):
        body.press("Backspace")
        body.press("Backspace")
        body.press("Backspace")
        body.press("Backspace")
        body.press("Backspace")
    heights.add(_height(page))
    assert heights == {start}, "the textarea changed its height while the author typed"
    assert body.input_value() == BODY.rstrip("\n") + "\n"

    # Insert image, after the first paragraph: the phone's file picker, then the alt text.
    body.evaluate("e => { const at = e.value.indexOf('\\n'); e.setSelectionRange(at, at); }")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Insert image").click()
    assert chooser.value.element.get_attribute("accept") == "image/*"
    chooser.value.set_files(
        files=[{"name": "Dunlin flock.png", "mimeType": "image/png", "buffer": _png()}]
    )
    dialog = page.get_by_role("dialog", name="Describe the picture")
    dialog.wait_for()
    page.wait_for_function(
        "() => document.querySelector('.editor-dialog-upload').textContent.startsWith('Uploaded')"
    )
    page.screenshot(path=str(artifacts / "editor-alt-text-390.png"))
    dialog.get_by_role("button", name="Insert").click()  # no alt text yet: refused
    assert "alt text is required" in dialog.locator(".editor-alt-error").inner_text()
    assert dialog.is_visible()
    dialog.get_by_label("Alt text").fill("A flock of dunlin [small waders] over the mud")
    dialog.get_by_label("Alt text").press("Enter")  # inserts; does not send the post form
    dialog.wait_for(state="hidden")
    assert page.url == site + ADD
    source = body.input_value()
    found = re.search(
        r"!\[(.*?)\]\((/media/uploads/\d{4}/\d{2}/dunlin-flock-[0-9a-f]+\.png)\)", source
    )
    assert found, source
    assert found[1] == r"A flock of dunlin \[small waders\] over the mud"
    assert source.startswith("Waders come back to the estuary in October.\n\n![")

    # Labels: "educ" offers the existing "medical education"
    tags = page.locator("#id_tags")
    tags.press_sequentially("birds, educ")
    option = page.get_by_role("option", name="medical education")
    option.wait_for()
    tags.press("ArrowDown")
    tags.press("Enter")
    assert tags.input_value() == 'birds, "medical education", '
    tags.press_sequentially("mudflats")

    # Preview: a tab of its own on a phone, drawn as the reader's page
    page.get_by_role("tab", name="Preview").click()
    _wait_previewed(page, "flask of tea")
    preview = _preview(page)
    assert preview.locator("h1").inner_text() == "Waders on the mudflats"
    image = preview.get_by_role("img", name="A flock of dunlin [small waders] over the mud")
    image.wait_for()
    page.wait_for_function(
        """() => document.querySelector('iframe.editor-preview-frame').contentDocument
                 .querySelector('.body img').naturalWidth === 900"""
    )
    assert body.is_hidden()
    page.screenshot(path=str(artifacts / "editor-preview-390.png"))
    _no_sideways_scroll(page)
    page.get_by_role("tab", name="Write").click()
    assert body.is_visible()

    # Publish box: a time in the past is an inline error, the text kept
    box = page.locator("fieldset.publish-box")
    assert ZONE in box.inner_text()
    assert page.locator("#id_publish_at").is_hidden()  # only for Schedule
    box.get_by_label("Schedule for a later time").check()
    yesterday = timezone.localtime() - timedelta(days=1)
    page.fill("#id_publish_at", yesterday.strftime("%Y-%m-%dT%H:%M"))
    page.screenshot(path=str(artifacts / "editor-write-390.png"), full_page=True)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert "This time has passed" in box.locator(".errorlist").inner_text()
    assert not Post.objects.filter(slug="waders-on-the-mudflats").exists()
    assert page.locator("#id_body").input_value().startswith("Waders come back")

    when = (timezone.localtime() + timedelta(days=3)).replace(hour=7, minute=30)
    page.fill("#id_publish_at", when.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert "was added successfully" in page.locator("ul.messagelist").inner_text()

    post = Post.objects.get(slug="waders-on-the-mudflats")
    assert post.author == author and post.is_scheduled and not post.is_public
    assert post.published_at == datetime(
        when.year, when.month, when.day, 7, 30, tzinfo=ZoneInfo(ZONE)
    )
    assert sorted(post.tags.names()) == ["birds", "medical education", "mudflats"]
    assert page.get_by_label("Schedule for a later time").is_checked()  # the form shows what it is

    # The preview is what the post page shows: the same HTML, drawn the same way.
    page.get_by_role("tab", name="Preview").click()
    _wait_previewed(page, "flask of tea")
    preview_html = _preview(page).locator(".body").inner_html()
    frame = page.locator("iframe.editor-preview-frame").element_handle().content_frame()
    preview_styles = _styles(frame)
    page.goto(site + post.get_absolute_url())  # staff may see a scheduled post
    assert "scheduled for" in page.locator(".notice").inner_text()
    assert page.locator("article.post .body").inner_html() == preview_html
    assert _styles(page) == preview_styles
    assert preview_styles[".body li"]["listStyleType"] == "disc"
    assert preview_styles[".body h2"]["fontFamily"].startswith("Georgia")


@pytest.mark.parametrize("width", [390, 1280])
def test_editor_and_writer_home_fit_and_pass_axe(
    open_page, site, author, labels, axe_source, artifacts, width
):
    mine = make_post(author=author, title="Half-written: godwits", status="draft")
    make_post(
        author=author, title="Knots in November", published_at=timezone.now() + timedelta(days=2)
    )
    page = open_page(bypass_csp=True)  # axe-core is injected inline
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, site, author, "/admin/")

    assert page.get_by_role("heading", name="Home", level=1).is_visible()
    assert page.get_by_role("link", name="New post").get_attribute("href") == ADD
    drafts = page.locator(".writer-drafts")
    assert drafts.get_by_role("link", name="Half-written: godwits").get_attribute("href") == (
        f"/admin/posts/post/{mine.pk}/change/"
    )
    assert "Knots in November" in page.locator(".writer-scheduled").inner_text()
    assert page.locator(".writer-held").count() == 0  # authors do not moderate
    assert page.get_by_role("link", name="Labels").count() >= 1  # the app list, renamed
    assert "Taggit" not in page.content()
    page.screenshot(path=str(artifacts / f"writer-home-{width}.png"), full_page=True)
    _no_sideways_scroll(page)
    assert _axe(page, axe_source) == []

    page.goto(f"{site}{ADD}")
    page.locator("#id_title").press_sequentially("Turnstones")
    page.locator("#id_body").fill(BODY)
    page.locator("#id_body").dispatch_event("input")
    if width == 1280:  # side by side: no tabs, both visible
        assert page.get_by_role("tab", name="Preview").is_hidden()
        assert page.locator("iframe.editor-preview-frame").is_visible()
    _wait_previewed(page, "flask of tea")
    page.screenshot(path=str(artifacts / f"editor-{width}.png"))
    page.screenshot(path=str(artifacts / f"editor-full-{width}.png"), full_page=True)
    _no_sideways_scroll(page)
    assert _axe(page, axe_source) == []


def test_moderators_home_lists_comments_awaiting_moderation(open_page, site, artifacts):
    editor = _user(["Editors", "Moderators"])
    post = make_post(title="Oystercatchers")
    Comment.objects.create(
        post=post, name="Sam", email="sam@example.com", body="Were they ringed?", status="pending"
    )
    page = open_page()
    _login(page, site, editor, "/admin/")
    held = page.locator(".writer-held")
    assert "Were they ringed?" in held.inner_text()
    assert held.get_by_role("link", name="Oystercatchers").get_attribute("href") == (
        post.get_absolute_url()
    )
    assert held.get_by_role("link", name="Open the moderation queue").get_attribute("href") == (
        "/admin/moderation/queue/"
    )
    page.screenshot(path=str(artifacts / "writer-home-moderator-1280.png"), full_page=True)


def test_an_imported_html_post_previews_as_html(open_page, site, author):
    """An imported post's indented HTML lines once showed as code in the preview."""
    body = "<p>Dunlin at dusk</p>\n\n    <p>Indented by the old editor: a curlew.</p>"
    post = make_post(author=author, title="Imported", body=body, body_format="html")
    page = open_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, site, author, f"/admin/posts/post/{post.pk}/change/")
    page.locator("#id_body").dispatch_event("input")
    _wait_previewed(page, "a curlew")
    frame = _preview(page)
    assert frame.locator(".body p").nth(1).inner_text() == "Indented by the old editor: a curlew."
    assert frame.locator(".body code").count() == 0
