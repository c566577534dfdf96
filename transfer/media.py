"""``--fetch-media``: copies of the images imported posts and pages show, in our own storage.

Each ``<img src>`` with an absolute http(s) URL is fetched once per import (the same URL in
several posts: one copy) through :mod:`federation.outbound` (public addresses only, timeouts,
redirects checked, at most the upload size limit), re-encoded exactly as a staff upload is
(:func:`posts.uploads.reencode`: a picture Pillow draws again, or a refusal) and stored under an
upload name; the ``src`` then points at our copy. A URL that cannot be copied (an error answer,
not a picture, too large, a refused address) keeps its original ``src`` and becomes one warning:
the import goes on. The files are deleted again if the import does not commit.
"""

import html
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from federation import outbound
from posts.uploads import NOT_AN_IMAGE, UploadError, reencode, storage_name
from transfer.images import KNOWN_HTTPS

IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
SRC = re.compile(r"""(\ssrc\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
# Other sources of the same picture (WordPress's sizes): dropped once ``src`` is our copy, or
# the browser would still load those.
SRCSET = re.compile(r"""\s(?:srcset|sizes)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)


class MediaCopier:
    """Copy the images of imported HTML; ``dry_run``: count what would be fetched, fetch
    nothing."""

    def __init__(self, *, dry_run=False, fetch=None):
        self.dry_run = dry_run
        self.fetch = fetch or outbound.get
        self.copies = {}  # original URL -> our URL, or None when it could not be copied
        self.stored = []  # storage names written by this import
        self.failures = []  # (URL, why), one per URL

    def localise(self, body):
        """``body`` with the ``src`` of each image copied pointing at the copy."""
        if not body or "<img" not in body.lower():
            return body

        def tag(match):
            found = SRC.search(match[0])
            if not found:
                return match[0]
            raw = next(v for v in found.group(2, 3, 4) if v is not None)
            ours = self.copy(html.unescape(raw).strip())
            if ours is None:
                return match[0]
            quote = '"' if found[2] is not None else "'" if found[3] is not None else '"'
            new = f"{found[1]}{quote}{html.escape(ours)}{quote}"
            img = match[0][: found.start()] + new + match[0][found.end() :]
            return SRCSET.sub("", img)

        return IMG_TAG.sub(tag, body)

    def copy(self, url):
        """Our URL for the image at ``url`` (fetched at most once), or None."""
        if not url.lower().startswith(("http://", "https://")):
            return None  # relative, data: ...: nothing to fetch
        if url in self.copies:
            return self.copies[url]
        self.copies[url] = None
        if self.dry_run:
            return None
        try:
            self.copies[url] = self._store(url, self._download(url))
        except (outbound.OutboundError, UploadError, ValueError) as error:  # (a bad URL)
            why = "not a JPEG, PNG, GIF or WebP picture" if str(error) == NOT_AN_IMAGE else error
            self.failures.append((url, str(why)))
        return self.copies[url]

    def _download(self, url):
        scheme, _, rest = url.partition("://")
        host = rest.split("/", 1)[0].split(":", 1)[0]
        if scheme.lower() == "http" and KNOWN_HTTPS.match(host):
            url = "https://" + rest  # the same file, over HTTPS
        return self.fetch(url, max_bytes=settings.MARKDOWNX_UPLOAD_MAX_SIZE).body

    def _store(self, url, data):
        data, extension = reencode(data)
        name = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        stored = default_storage.save(storage_name(name, extension), ContentFile(data))
        self.stored.append(stored)
        return default_storage.url(stored)

    @property
    def wanted(self):
        """How many distinct image URLs were met (in a dry run: would be fetched)."""
        return len(self.copies)

    @property
    def copied(self):
        return sum(1 for ours in self.copies.values() if ours is not None)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        """Around the import's transaction: what was stored goes again if it did not commit."""
        if exc_type is not None:
            for name in self.stored:
                default_storage.delete(name)
            self.stored = []
