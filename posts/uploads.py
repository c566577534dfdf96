"""Pictures from the editor: stored only as Pillow re-encoded them, served so that nothing runs.

The upload never stores the bytes it was sent. Pillow must decode them as JPEG, PNG, GIF or
WebP (whatever the declared type or the file's name say); the picture is then drawn again
(turned upright, at most ``MARKDOWNX_IMAGE_MAX_SIZE`` wide, without EXIF or comments) and
written in the format found, under a random name with that format's extension, in a dated
folder. Everything else, SVG included, is refused with a JSON 400.
"""

import secrets
import struct
import warnings
from io import BytesIO

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django.views.static import serve
from PIL import Image, ImageOps, ImageSequence

# Pillow format -> (format written, extension). MPO is a JPEG with extra pictures (phones).
FORMATS = {
    "JPEG": ("JPEG", "jpg"),
    "MPO": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "GIF": ("GIF", "gif"),
    "WEBP": ("WEBP", "webp"),
}
DECODERS = ["JPEG", "PNG", "GIF", "WEBP"]  # the only Pillow plugins that ever see an upload
MAX_PIXELS = 50_000_000  # one frame: a 50-megapixel photograph decodes to ~200 MB
MAX_SIDE = 16_383  # WebP's limit, and far beyond any screen
MAX_FRAMES = 300  # an animation's frames ...
MAX_TOTAL_PIXELS = 30_000_000  # ... and all their pixels together (~120 MB drawn again)

NOT_AN_IMAGE = "Upload a JPEG, PNG, GIF or WebP picture; this file is not one."
TOO_LARGE = "This picture is too large: at most {limit}."
NO_FILE = "Choose a picture to upload."

# What /media/ may answer with a content type of its own; anything else is a download.
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
# No Cross-Origin-Resource-Policy: feed readers and other sites may show the pictures.
MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


# What Pillow's decoders raise on hostile or broken bytes (UnidentifiedImageError is an
# OSError; a GIF cut inside a frame raises IndexError).
DECODE_ERRORS = (OSError, ValueError, TypeError, SyntaxError, EOFError, IndexError, struct.error)


class UploadError(Exception):
    """An upload that is not stored, with the message the editor shows."""


def _open(data):
    """Open ``data`` with the decoders of the accepted formats only, within our size limits."""
    image = Image.open(BytesIO(data), formats=DECODERS)
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise UploadError(
            TOO_LARGE.format(limit=f"{MAX_PIXELS // 1_000_000} megapixels, {MAX_SIDE} px a side")
        )
    return image


def _frames(image, animated, redraw):
    """The picture's frames, each redrawn, with their durations: one, unless it is an
    animation (GIF, WebP, PNG) and ``animated``; at most MAX_FRAMES and MAX_TOTAL_PIXELS."""
    if not animated or getattr(image, "n_frames", 1) == 1:
        return [redraw(image)], []
    frames, durations, total = [], [], 0
    for frame in ImageSequence.Iterator(image):
        total += frame.width * frame.height
        if len(frames) == MAX_FRAMES or total > MAX_TOTAL_PIXELS:
            raise UploadError(
                TOO_LARGE.format(limit=f"{MAX_FRAMES} frames, {MAX_TOTAL_PIXELS:,} pixels in all")
            )
        durations.append(frame.info.get("duration", 100))
        frames.append(redraw(frame))
    return frames, durations


def _redraw(frame, width, jpeg):
    """``frame`` upright, at most ``width`` wide, with no metadata but its transparency."""
    frame = ImageOps.exif_transpose(frame)
    colour = "RGBA" if frame.has_transparency_data and not jpeg else "RGB"
    keeps = ("L", "RGB") if jpeg else ("1", "L", "LA", "P", "RGB", "RGBA")
    if frame.mode not in keeps:
        frame = frame.convert(colour)  # CMYK, 16-bit, YCbCr ...
    if frame.width > width:
        if frame.mode in ("1", "P"):
            frame = frame.convert(colour)
        height = max(1, round(frame.height * width / frame.width))
        frame = frame.resize((width, height), Image.Resampling.LANCZOS)
    # EXIF, XMP, comments, text chunks: none of it is written again
    frame.info = {key: frame.info[key] for key in ("transparency",) if key in frame.info}
    return frame


def reencode(data):
    """Decode ``data`` and draw it again; return ``(bytes, extension)`` or raise UploadError.

    Pillow's own bomb check warns from 89 megapixels and raises from twice that: the warning
    is a refusal here too. Decoders meet hostile bytes: whatever they raise means "not one"."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencode(_open(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise UploadError(
            TOO_LARGE.format(limit=f"{MAX_PIXELS // 1_000_000} megapixels")
        ) from error
    except DECODE_ERRORS as error:
        raise UploadError(NOT_AN_IMAGE) from error


def _reencode(image):
    written, extension = FORMATS[image.format]
    limits = settings.MARKDOWNX_IMAGE_MAX_SIZE
    width, quality = limits["size"][0] or MAX_SIDE, limits.get("quality", 85)
    icc_profile = image.info.get("icc_profile")  # colours, not personal data: kept
    jpeg = written == "JPEG"
    if jpeg:  # decode a big photograph at 1/2, 1/4 or 1/8 straight away: less memory
        image.draft(None, (width, width))
    frames, durations = _frames(
        image, animated=not jpeg, redraw=lambda frame: _redraw(frame, width, jpeg=jpeg)
    )
    options = {"quality": quality} if written in ("JPEG", "WEBP") else {}
    if icc_profile and written != "GIF":
        options["icc_profile"] = icc_profile
    if len(frames) > 1:
        options.update(
            save_all=True,
            append_images=frames[1:],
            duration=durations,
            loop=image.info.get("loop", 0),
        )
    out = BytesIO()
    frames[0].save(out, written, **options)
    return out.getvalue(), extension


def storage_name(client_name, extension, now=None):
    """A dated, unguessable name: ``uploads/2026/12/<slug of the name>-<token>.<extension>``.

    The folder is ``MARKDOWNX_MEDIA_PATH`` with its ``%Y``/``%m`` filled in (markdownx itself
    uses the setting as a literal folder name); only the name's letters survive, never its
    extension."""
    folder = timezone.localtime(now).strftime(settings.MARKDOWNX_MEDIA_PATH)
    stem = slugify(client_name.rsplit(".", 1)[0])[:40].strip("-_")
    token = secrets.token_hex(8)
    return f"{folder.rstrip('/')}/{stem + '-' if stem else ''}{token}.{extension}"


def store_upload(uploaded):
    """Re-encode an uploaded file and store it; return its URL or raise UploadError."""
    limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    if uploaded.size > limit:
        raise UploadError(TOO_LARGE.format(limit=filesizeformat(limit)))
    data, extension = reencode(uploaded.read())
    name = default_storage.save(storage_name(uploaded.name or "", extension), ContentFile(data))
    return default_storage.url(name)


@staff_member_required
@require_POST
def upload(request):
    """The editor's upload (drag and drop, and Insert image): answers markdownx's JSON,
    ``{"image_code": ..., "url": ...}``, or ``{"image": [message]}`` with a 400."""
    uploaded = request.FILES.get("image")
    if uploaded is None:
        return JsonResponse({"image": [NO_FILE]}, status=400)
    try:
        url = store_upload(uploaded)
    except UploadError as error:
        return JsonResponse({"image": [str(error)]}, status=400)
    return JsonResponse({"image_code": f"![]({url})", "url": url})


def serve_media(request, path):
    """Serve MEDIA_ROOT from Django when ``SERVE_MEDIA`` is on (development and browser tests;
    the proxy serves /media/ in production), with headers under which nothing can run."""
    if not settings.SERVE_MEDIA:
        raise Http404("Media are served by the web server.")
    return with_media_headers(serve(request, path, document_root=settings.MEDIA_ROOT))


def with_media_headers(response):
    """No sniffing, a sandbox with no sources, and a download for anything but a picture
    (files stored before uploads were re-encoded may be anything)."""
    for header, value in MEDIA_HEADERS.items():
        response[header] = value
    content_type = response.get("Content-Type", "").split(";")[0]
    if response.status_code == 200 and content_type not in IMAGE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    return response
