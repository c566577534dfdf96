"""The editor's picture upload (issue 9, item 1): only pictures Pillow decoded are stored, drawn
again, under a name and extension of our own in a dated folder; /media/ runs nothing."""

import io
from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from posts.tests.factories import make_user
from posts.uploads import UploadError, reencode, storage_name

pytestmark = pytest.mark.django_db

UPLOAD = "/markdownx/upload/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}  # what markdownx's editor sends
SCRIPT = b"<script>document.title='pwned'</script>"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def author(client):
    client.force_login(make_user(staff=True, groups=["Authors"]))
    return client


def picture(fmt, size=(40, 30), mode="RGB", **options):
    data = io.BytesIO()
    Image.new(mode, size, "red").save(data, fmt, **options)
    return data.getvalue()


def send(client, content, name, content_type):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(UPLOAD, {"image": upload}, **AJAX)


def stored(media):
    return sorted(path for path in Path(media).rglob("*") if path.is_file())


def stored_path(media, response):
    """The file behind the ``image_code`` markdownx inserts, ``![](/media/...)``."""
    code = response.json()["image_code"]
    assert code.startswith("![](/media/") and code.endswith(")"), code
    return Path(media) / code[len("![](/media/") : -1]


HOSTILE = {
    "html as a gif": (b"<!doctype html><title>x</title>" + SCRIPT, "figure.html", "image/gif"),
    "javascript as a gif": (b"document.title='pwned';", "chart.js", "image/gif"),
    "gif-header javascript": (b"GIF89a=1;document.title='pwned';", "chart.gif", "image/gif"),
    "svg with onload": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=1"/>',
        "logo.svg",
        "image/svg+xml",
    ),
    "svg as a png": (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.png", "image/png"),
    "a truncated png": (picture("PNG")[:60], "cut.png", "image/png"),
    "a bmp (decodable, not accepted)": (picture("BMP"), "old.bmp", "image/bmp"),
    "empty": (b"", "nothing.png", "image/png"),
}


@pytest.mark.parametrize("content,name,content_type", HOSTILE.values(), ids=HOSTILE)
def test_what_pillow_cannot_decode_is_refused_and_nothing_stored(
    author, media, content, name, content_type
):
    response = send(author, content, name, content_type)
    assert response.status_code == 400
    assert response.json() == {
        "image": ["Upload a JPEG, PNG, GIF or WebP picture; this file is not one."]
    }
    assert stored(media) == []


KINDS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


@pytest.mark.parametrize("fmt,extension", KINDS.items())
def test_a_real_picture_is_stored_reencoded_under_its_own_extension_in_a_dated_folder(
    author, media, fmt, extension
):
    """Whatever the client calls it and declares it as, the extension is the format found."""
    original = picture(fmt) + b"TRAILER"  # ignored by the decoder: gone if drawn again
    response = send(author, original, "figure.html", "image/gif")
    assert response.status_code == 200, response.content
    path = stored_path(media, response)
    assert stored(media) == [path]
    assert path.parent == media / "uploads" / timezone.localtime().strftime("%Y/%m")
    assert path.suffix == f".{extension}"
    assert path.name.startswith("figure-") and ".html" not in path.name
    assert b"TRAILER" not in path.read_bytes()
    with Image.open(path) as image:
        assert (image.format, image.size) == (fmt, (40, 30))


def test_a_gif_with_a_script_appended_is_stored_without_it(author, media):
    polyglot = picture("GIF") + b"\n" + SCRIPT
    response = send(author, polyglot, "figure.gif", "image/gif")
    assert response.status_code == 200
    data = stored_path(media, response).read_bytes()
    assert data.startswith(b"GIF8") and b"script" not in data and b"pwned" not in data


def test_names_are_not_the_clients_and_never_repeat(author, media):
    first = stored_path(media, send(author, picture("PNG"), "../../évil.php.png", "image/png"))
    second = stored_path(media, send(author, picture("PNG"), "../../évil.php.png", "image/png"))
    assert first != second
    assert (
        first.parent == second.parent == media / "uploads" / timezone.localtime().strftime("%Y/%m")
    )
    assert first.name.startswith("evilphp-") and first.suffix == ".png"


def test_the_folder_is_dated_not_literally_percent_y():
    name = storage_name("x.png", "png", timezone.make_aware(datetime(2026, 12, 1, 12)))
    assert name.startswith("uploads/2026/12/x-") and name.endswith(".png")
    assert storage_name("", "gif").count("/") == 3  # no stem: the token alone


def test_wide_pictures_are_scaled_to_1600_pixels(author, media):
    response = send(author, picture("PNG", size=(3200, 100)), "wide.png", "image/png")
    with Image.open(stored_path(media, response)) as image:
        assert image.size == (1600, 50)


def test_exif_is_dropped_after_turning_the_photo_upright(author, media):
    photo = Image.new("RGB", (40, 20), "blue")
    exif = photo.getexif()
    exif[0x013B] = "Ada Lovelace"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° to show
    data = io.BytesIO()
    photo.save(data, "JPEG", exif=exif)
    assert b"Ada Lovelace" in data.getvalue()
    response = send(author, data.getvalue(), "me.jpg", "image/jpeg")
    path = stored_path(media, response)
    assert b"Ada Lovelace" not in path.read_bytes()
    with Image.open(path) as image:
        assert dict(image.getexif()) == {} and image.size == (20, 40)


def test_a_gif_comment_is_dropped(author, media):
    response = send(author, picture("GIF", comment=b"secret note"), "c.gif", "image/gif")
    assert b"secret note" not in stored_path(media, response).read_bytes()


def test_an_animated_gif_keeps_its_frames(author, media):
    frames = [Image.new("RGB", (30, 20), colour) for colour in ("red", "lime", "blue")]
    data = io.BytesIO()
    frames[0].save(data, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    response = send(author, data.getvalue(), "anim.gif", "image/gif")
    with Image.open(stored_path(media, response)) as image:
        assert image.n_frames == 3


@pytest.mark.parametrize(
    "size",
    [(9000, 9000), (20000, 20000), (16384, 1)],
    ids=["81 megapixels", "Pillow's own bomb limit", "too long a side"],
)
def test_decompression_bombs_are_refused(author, media, size):
    bomb = picture("PNG", size=size, mode="1")  # a few kilobytes that decode to huge
    assert len(bomb) < 100_000
    response = send(author, bomb, "bomb.png", "image/png")
    assert response.status_code == 400
    assert response.json()["image"][0].startswith("This picture is too large")
    assert stored(media) == []


def test_a_file_over_the_size_limit_is_refused(author, media, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 1024
    response = send(author, picture("PNG") + b"\0" * 2048, "big.png", "image/png")
    assert response.status_code == 400
    assert response.json() == {"image": ["This picture is too large: at most 1.0\xa0KB."]}
    assert stored(media) == []


def test_no_file_is_a_400(author, media):
    response = author.post(UPLOAD, {}, **AJAX)
    assert response.status_code == 400 and response.json() == {
        "image": ["Choose a picture to upload."]
    }


@pytest.mark.parametrize("who", ["anonymous", "plain user", "inactive staff"])
def test_only_staff_may_upload(client, media, who):
    if who == "plain user":
        client.force_login(make_user())
    elif who == "inactive staff":
        client.force_login(make_user(staff=True, groups=["Authors"], is_active=False))
    response = send(client, picture("PNG"), "x.png", "image/png")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert stored(media) == []


# --- /media/ ----------------------------------------------------------------------------------


def test_media_served_by_django_run_nothing(client, media, settings, author):
    """SERVE_MEDIA (DEBUG, browser tests): every answer is nosniff and sandboxed; a picture keeps
    its type, anything else (a file stored before uploads were re-encoded) is a download."""
    settings.SERVE_MEDIA = True
    url = stored_path(media, send(author, picture("PNG"), "x.png", "image/png"))
    picture_response = client.get("/media/" + str(url.relative_to(media)))
    old = media / "uploads" / "%Y" / "%m" / "figure.html"
    old.parent.mkdir(parents=True)
    old.write_bytes(SCRIPT)
    old_response = client.get("/media/uploads/%25Y/%25m/figure.html")
    for response in (picture_response, old_response):
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert picture_response["Content-Type"] == "image/png"
    assert not picture_response["Content-Disposition"].startswith("attachment")
    assert old_response["Content-Type"] == "application/octet-stream"
    assert old_response["Content-Disposition"] == "attachment"


def test_media_are_not_served_by_django_unless_asked(client, media, settings):
    settings.SERVE_MEDIA = False
    (media / "x.png").write_bytes(picture("PNG"))
    assert client.get("/media/x.png").status_code == 404


def test_an_animation_with_too_many_pixels_in_all_is_refused(author, media):
    frames = [Image.new("L", (4000, 4000), shade) for shade in (0, 255)]  # 2 x 16 megapixels
    data = io.BytesIO()
    frames[0].save(data, "GIF", save_all=True, append_images=frames[1:])
    response = send(author, data.getvalue(), "anim.gif", "image/gif")
    assert response.status_code == 400
    assert response.json()["image"][0].startswith("This picture is too large")
    assert stored(media) == []


def test_a_big_photograph_is_scaled_to_1600_pixels(author, media):
    response = send(author, picture("JPEG", size=(6000, 4000)), "big.jpg", "image/jpeg")
    with Image.open(stored_path(media, response)) as image:
        assert image.size == (1600, 1067)


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_every_truncation_of_an_animation_is_refused_or_stored_never_a_crash(fmt):
    """Decoders meet hostile bytes: a GIF cut inside a frame raises IndexError in Pillow."""
    frames = [Image.new("RGBA", (30, 20), colour) for colour in ("red", "lime", "blue")]
    data = io.BytesIO()
    frames[0].save(data, fmt, save_all=True, append_images=frames[1:])
    whole = data.getvalue()
    outcomes = set()
    for length in range(len(whole)):
        try:
            reencode(whole[:length])
            outcomes.add("stored")
        except UploadError:
            outcomes.add("refused")
    assert "refused" in outcomes
