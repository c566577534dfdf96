"""--fetch-media: the images of imported posts copied into our media, through the safe outbound
requests and the uploads' re-encoding; what cannot be copied keeps its URL and is a warning."""

import http.server
import threading
from collections import Counter
from io import BytesIO
from xml.sax.saxutils import escape

import pytest
from django.core.management import CommandError
from PIL import Image, PngImagePlugin

from posts.models import Page, Post
from transfer.tests.conftest import run

KIND = "http://schemas.google.com/blogger/2008/kind#"


def picture(fmt):
    """A small picture with a comment in it (which re-encoding does not write again)."""
    out = BytesIO()
    image = Image.new("RGB", (8, 6), (200, 30, 30))
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "secret-metadata")
        image.save(out, fmt, pnginfo=info)
    else:
        image.save(out, fmt, comment=b"secret-metadata")
    assert b"secret-metadata" in out.getvalue()
    return out.getvalue()


FILES = {
    "/pic.png": ("image/png", picture("PNG")),
    "/photo.jpg": ("image/jpeg", picture("JPEG")),
    "/page.png": ("text/html", b"<html><body>not a picture</body></html>"),
}


@pytest.fixture
def server():
    hits = Counter()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits[self.path] += 1
            name = self.path.split("?")[0]
            if name not in FILES:
                self.send_error(404)
                return
            content_type, body = FILES[name]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def entry(kind, number, body, extra=""):
    path = f"/2020/01/item-{number}.html" if kind == "post" else f"/p/item-{number}.html"
    return (
        f"<entry><id>tag:blogger.com,1999:blog-1.{kind}-{number}</id>"
        f"<published>2020-01-0{number}T10:00:00Z</published>"
        f"<category scheme='http://schemas.google.com/g/2005#kind' term='{KIND}{kind}'/>"
        f"<title type='text'>Item {number}</title>"
        f"<content type='html'>{escape(body)}</content>"
        f"<link rel='alternate' type='text/html' href='https://x.blogspot.com{path}'/>"
        f"<author><name>Ann Author</name></author>{extra}</entry>"
    )


def export(*entries):
    return (
        "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
        "<id>tag:blogger.com,1999:blog-1</id>" + "".join(entries) + "</feed>"
    )


def bodies(base):
    first = (
        f'<p>a <img src="{base}/pic.png" alt="red"> b <img src="{base}/missing.png"></p>'
        f"<p><img src='{base}/page.png'><img src=\"{base}/photo.jpg?size=l&amp;x=1\"></p>"
    )
    second = f'<p>again <img src="{base}/pic.png"> <img src="data:image/png;base64,AAAA"></p>'
    return first, second


@pytest.mark.django_db
def test_images_are_copied_once_and_failures_keep_their_urls(server, write, media_root, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True  # the test's server is on the loopback address
    base, hits = server
    first, second = bodies(base)
    path = write(export(entry("post", 1, first), entry("page", 2, second)))

    out, err = run("import_blogger", path, fetch_media=True)

    assert "2 images copied, 2 images not copied (their URLs kept)" in out
    assert hits == {"/pic.png": 1, "/missing.png": 1, "/page.png": 1, "/photo.jpg?size=l&x=1": 1}
    files = stored(media_root)
    assert [name.rsplit(".", 1)[1] for name in files] == ["jpg", "png"]
    # (re-encoded: Pillow wrote them again, they are not the bytes served)
    for copy in media_root.rglob("*.*"):
        assert b"secret-metadata" not in copy.read_bytes()
        assert Image.open(copy).size == (8, 6)
    post, page = Post.objects.get(), Page.objects.get()
    png = next(name for name in files if name.endswith(".png"))
    jpg = next(name for name in files if name.endswith(".jpg"))
    for html in (post.body, post.body_html):
        assert "/media/uploads/" in html and png in html and jpg in html
        assert f"{base}/pic.png" not in html and f"{base}/photo.jpg" not in html
        assert f'src="{base}/missing.png"' in html and f'src="{base}/page.png"' in html
    assert png in page.body_html and f"{base}/pic.png" not in page.body_html  # the same copy
    assert f"image not copied, its URL kept: {base}/missing.png" in err
    assert "answered 404" in err
    assert f"{base}/page.png (not a JPEG, PNG, GIF or WebP picture)" in err


@pytest.mark.django_db
def test_private_addresses_are_refused_and_the_import_goes_on(server, write, media_root):
    base, hits = server  # OUTBOUND_ALLOW_PRIVATE is off: 127.0.0.1 is not fetched
    body = (
        f'<img src="{base}/pic.png"><img src="http://10.1.2.3/a.png">'
        '<img src="http://169.254.169.254/latest/meta-data/">'
        '<img src="http://[::1/broken.png">'  # not even a URL: a warning too
    )
    path = write(export(entry("post", 1, body)))

    out, err = run("import_blogger", path, fetch_media=True)

    assert "imported 1 posts" in out
    assert "0 images copied, 4 images not copied (their URLs kept)" in out
    assert "Invalid IPv6 URL" in err
    assert err.count("resolves to a non-public address") == 3
    assert not hits and stored(media_root) == []
    assert f'src="{base}/pic.png"' in Post.objects.get().body_html


@pytest.mark.django_db
def test_dry_run_fetches_nothing(server, write, media_root, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    base, hits = server
    path = write(export(entry("post", 1, "".join(bodies(base)))))

    out, _ = run("import_blogger", path, fetch_media=True, dry_run=True)

    assert "4 images to fetch (dry run: none fetched)" in out
    assert not hits and stored(media_root) == [] and not Post.objects.exists()


@pytest.mark.django_db
def test_a_refused_file_keeps_no_copied_image(server, write, media_root, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    base, hits = server
    orphan = (
        "<entry><id>tag:blogger.com,1999:blog-1.post-9</id>"
        "<published>2020-01-05T10:00:00Z</published>"
        f"<category scheme='http://schemas.google.com/g/2005#kind' term='{KIND}comment'/>"
        "<content type='html'>hi</content>"
        "<thr:in-reply-to ref='tag:blogger.com,1999:blog-1.post-404'/></entry>"
    )
    path = write(export(entry("post", 1, f'<img src="{base}/pic.png">'), orphan))

    with pytest.raises(CommandError, match="not in the file"):
        run("import_blogger", path, fetch_media=True)

    assert hits == {"/pic.png": 1}  # fetched and stored, then deleted with the rollback
    assert stored(media_root) == [] and not Post.objects.exists()


@pytest.mark.django_db
def test_without_the_option_nothing_is_fetched(server, write, media_root, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    base, hits = server
    path = write(export(entry("post", 1, f'<img src="{base}/pic.png">')))
    out, _ = run("import_blogger", path)
    assert "images copied" not in out and not hits
    assert f'src="{base}/pic.png"' in Post.objects.get().body_html


WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>W</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Pictured</title><link>https://w.example/2019/05/pictured/</link>
<dc:creator>ann</dc:creator><guid isPermaLink="false">https://w.example/?p=7</guid>
<content:encoded><![CDATA[<img src="{base}/photo.jpg" srcset="{base}/photo.jpg 1x, \
{base}/big.jpg 2x" sizes="100vw" alt="p">]]></content:encoded>
<wp:post_id>7</wp:post_id><wp:post_date_gmt>2019-05-01 10:00:00</wp:post_date_gmt>
<wp:post_name>pictured</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type></item></channel></rss>"""


@pytest.mark.django_db
def test_wordpress_images_are_copied_and_their_other_sizes_dropped(
    server, write, media_root, settings
):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    base, hits = server
    path = write(WXR.replace("{base}", base), "wp.xml")

    out, _ = run("import_wordpress", path, fetch_media=True)

    assert "1 images copied" in out and hits == {"/photo.jpg": 1}
    html = Post.objects.get().body_html
    assert "/media/uploads/" in html and base not in html  # no srcset left to load remotely


@pytest.mark.django_db
def test_an_image_over_the_upload_limit_is_not_copied(server, write, media_root, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 50  # the PNG served is about 100 bytes
    base, hits = server
    path = write(export(entry("post", 1, f'<img src="{base}/pic.png">')))

    out, err = run("import_blogger", path, fetch_media=True)

    assert "0 images copied, 1 images not copied" in out
    assert "is larger than 50 bytes" in err and stored(media_root) == []
    assert f'src="{base}/pic.png"' in Post.objects.get().body_html
