"""Imported ``http:`` images: our own Content Security Policy blocks them on an https site.

Hosts known to serve the same file over HTTPS (Blogger's and Google's image hosts, WordPress.com's
file and Photon hosts) are rewritten to ``https:``; other ``http:`` images are left as they are
and counted, so the import's summary can say how many will not show.
"""

import re

KNOWN_HTTPS = re.compile(
    r"^(?:[\w-]+\.)*(?:bp\.blogspot\.com|googleusercontent\.com|files\.wordpress\.com)$"
    r"|^i\d+\.wp\.com$",
    re.I,
)
IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
HTTP_URL = re.compile(r"""(?<=[\s"',=])http://([^/\s"'>,]+)""", re.I)


def secure_images(html):
    """``(html, rewritten, left)``: known hosts' ``http:`` image URLs made ``https:``."""
    if not html or "http://" not in html:
        return html, 0, 0
    rewritten = left = 0

    def url(match):
        nonlocal rewritten, left
        if KNOWN_HTTPS.match(match[1]):
            rewritten += 1
            return f"https://{match[1]}"
        left += 1
        return match[0]

    def tag(match):
        return HTTP_URL.sub(url, match[0])

    return IMG_TAG.sub(tag, html), rewritten, left
