"""Issue 9, item 1 in Chromium: an Author uploads an HTML file, an SVG and a JS file declared as
pictures through the editor's real upload URL; each is refused or stored as a picture drawn
again, and opening what was stored runs nothing."""

import base64
import io
import re

import pytest
from PIL import Image

from posts.tests.factories import make_user

pytestmark = pytest.mark.browser

PASSWORD = "e2e-Long-passphrase-42"
# Each payload, if it ran, would change the title, set window.pwned and log "pwned".
RUN = "document.title='pwned';window.pwned=1;console.log('pwned');"
HTML = f"<!doctype html><title>clean</title><p>figure</p><script>{RUN}</script>".encode()
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="' + RUN + '">'
    f"<script>{RUN}</script><rect width='10' height='10'/></svg>"
).encode()
JS = RUN.encode()
IMAGE_URL = re.compile(r"^/media/uploads/\d{4}/\d{2}/[a-z0-9-]+\.(jpg|png|gif|webp)$")


def _gif():
    data = io.BytesIO()
    Image.new("RGB", (12, 8), "teal").save(data, "GIF")
    return data.getvalue()


# name, declared type, bytes
UPLOADS = [
    ("figure.html", "image/gif", HTML),
    ("logo.svg", "image/svg+xml", SVG),
    ("logo.svg", "image/gif", SVG),
    ("chart.js", "image/gif", JS),
    ("figure.html", "image/gif", _gif() + HTML),  # a real GIF with the page appended
]

SEND = """async ([name, type, b64]) => {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const form = new FormData();
    form.append("image", new File([bytes], name, {type}));
    form.append("csrfmiddlewaretoken",
                document.querySelector("input[name=csrfmiddlewaretoken]").value);
    const response = await fetch("/markdownx/upload/", {
        method: "POST", body: form, headers: {"X-Requested-With": "XMLHttpRequest"}});
    return {status: response.status, body: await response.json()};
}"""


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    """/media/ answered by the project's own route, as under ``make run`` (DEBUG=1). Django's
    live server would serve MEDIA_ROOT itself, ahead of every URL and middleware (runserver
    does not): that shortcut is turned off."""
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda handler, path: False)
    settings.MEDIA_ROOT = tmp_path
    settings.SERVE_MEDIA = True
    return tmp_path


def _login_as_author(page, site):
    author = make_user(staff=True, groups=["Authors"])
    author.set_password(PASSWORD)
    author.save()
    page.goto(f"{site}/admin/login/?next=/admin/posts/post/add/")
    page.fill("#id_username", author.get_username())
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.url.endswith("/admin/posts/post/add/"), page.url


def _ran(viewer):
    """What a payload would have left behind in ``viewer``: nothing, if it did not run."""
    traces = [m for m in viewer.console_texts if "pwned" in m] + viewer.watch.dialogs
    if viewer.title() == "pwned":
        traces.append("title")
    if viewer.evaluate("() => window.pwned !== undefined"):
        traces.append("window.pwned")
    return traces


def _viewer(open_page):
    viewer = open_page()
    viewer.console_texts = []
    viewer.on("console", lambda message: viewer.console_texts.append(message.text))
    return viewer


def test_the_detector_sees_a_payload_that_runs(open_page):
    """The check below is not blind: the same HTML, run where nothing sandboxes it."""
    viewer = _viewer(open_page)
    viewer.set_content(HTML.decode())
    assert set(_ran(viewer)) >= {"title", "window.pwned"}


def test_an_author_cannot_store_anything_that_runs(page, site, media, open_page):
    _login_as_author(page, site)
    stored = []
    for name, declared, content in UPLOADS:
        answer = page.evaluate(SEND, [name, declared, base64.b64encode(content).decode()])
        if answer["status"] == 400:
            assert answer["body"]["image"], answer
            continue
        assert answer["status"] == 200, (name, declared, answer)
        url = re.fullmatch(r"!\[\]\((.+)\)", answer["body"]["image_code"]).group(1)
        assert IMAGE_URL.match(url), (name, declared, url)
        stored.append(url)
    # The HTML page, the SVGs and the script are refused; the GIF is kept, drawn again.
    assert len(stored) == 1 and stored[0].endswith(".gif")
    assert sorted(p.suffix for p in media.rglob("*") if p.is_file()) == [".gif"]

    for url in stored:
        viewer = _viewer(open_page)
        response = viewer.goto(site + url)
        assert response.status == 200
        assert response.headers["content-type"] == "image/gif"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in response.headers["content-security-policy"]
        assert (
            viewer.evaluate("() => document.images.length && document.images[0].naturalWidth") == 12
        )
        assert _ran(viewer) == [], url


def test_a_file_stored_before_the_fix_is_a_download_and_runs_nothing(site, media, open_page):
    """What markdownx stored before (``uploads/%Y/%m/<uuid>.html``) is still on disk: /media/
    hands it over as a download, never as a page."""
    old = media / "uploads" / "%Y" / "%m" / "figure.html"
    old.parent.mkdir(parents=True)
    old.write_bytes(HTML)
    viewer = _viewer(open_page)
    viewer.goto(f"{site}/")
    with viewer.expect_download() as download:
        viewer.evaluate(
            "url => { window.location.href = url; }", "/media/uploads/%25Y/%25m/figure.html"
        )
    assert download.value.suggested_filename == "figure.html"
    assert _ran(viewer) == []


def test_drag_and_drop_in_the_editor_inserts_the_stored_picture(page, site, media, artifacts):
    """markdownx's own editor script still understands the answer (``image_code``)."""
    _login_as_author(page, site)
    png = io.BytesIO()
    Image.new("RGB", (2000, 500), "orange").save(png, "PNG")
    transfer = page.evaluate_handle(
        """b64 => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "Sunset at Sea.png", {type: "image/png"}));
            return transfer;
        }""",
        base64.b64encode(png.getvalue()).decode(),
    )
    page.dispatch_event("#id_body", "drop", {"dataTransfer": transfer})
    page.wait_for_function("() => document.querySelector('#id_body').value.includes('![](')")
    code = page.locator("#id_body").input_value()
    url = re.search(r"!\[\]\((/media/[^)]+)\)", code).group(1)
    assert IMAGE_URL.match(url) and "/sunset-at-sea-" in url
    # the preview is drawn in a frame with the site's stylesheet (posts/editor.py)
    preview = page.frame_locator("iframe.editor-preview-frame").locator(".body img")
    preview.wait_for()
    preview.evaluate("img => img.decode()")
    assert preview.evaluate("img => img.naturalWidth") == 1600
    preview.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "upload-drag-and-drop-1280.png"))
