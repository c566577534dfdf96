"""WordPress shortcodes and embeds in imported posts, turned into the HTML blogsite keeps.

WordPress stores ``[caption]``, ``[gallery]``, ``[embed]``, ``[audio]`` and ``[video]`` in the
post and expands them when it shows the post; a YouTube or Vimeo URL alone on its line becomes
the player (oEmbed). An import has to expand them once, into what the sanitiser
(``posts.markup``) keeps:

- ``[caption]`` -> ``<figure>`` with the image and a ``<figcaption>``;
- ``[gallery]`` -> a ``<figure>`` of the attached images (those the file lists before the post,
  or the ones ``ids`` names); none known: left out, with a warning;
- ``[embed]URL[/embed]`` and a bare YouTube/Vimeo URL on its own line -> the player's
  ``<iframe>`` (other URLs: a link);
- ``[audio]``/``[video]`` -> ``<audio controls>``/``<video controls>`` (with no source in the
  shortcode: the post's attached file, else left out with a warning).

The order is WordPress's: embeds before paragraphs (``autop``), the other shortcodes after,
each taken out of the ``<p>`` that paragraphs put around a shortcode alone on its line.
"""

import re
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, urlsplit

from transfer.autop import autop

HANDLED = "caption|wp_caption|gallery|embed|audio|video"
# [name attrs]content[/name], or [name attrs] / [name attrs /] alone; [[name]] is escaped.
SHORTCODE = re.compile(
    rf"\[(\[?)({HANDLED})(?![\w-])([^\]]*?)(/?)\](?:(.*?)\[/\2\])?(\]?)",
    re.S,
)
ALONE_IN_P = re.compile(
    rf"<p>\s*(\[(?:{HANDLED})(?![\w-])[^\]]*\](?:.*?\[/(?:{HANDLED})\])?)\s*</p>", re.S
)
ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|(\S+)"""
)
URL_LINE = re.compile(r"^(\s*)(https?://[^\s<>\"]+)(\s*)$", re.M)
CAPTION_IMAGE = re.compile(r"^\s*((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)$", re.S | re.I)
IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$", re.I)
AUDIO_FILE = re.compile(r"\.(?:mp3|ogg|oga|m4a|wav|flac)$", re.I)
VIDEO_FILE = re.compile(r"\.(?:mp4|m4v|webm|ogv|mov)$", re.I)
YOUTUBE_ID = re.compile(r"^[\w-]{6,20}$")


@dataclass(slots=True)
class Attachment:
    url: str
    parent: str
    title: str = ""


@dataclass
class Media:
    """What a file's attachments tell the shortcodes: id -> attachment, in file order."""

    attachments: dict = field(default_factory=dict)

    def add(self, source_id, url, parent, title=""):
        if url:
            self.attachments[source_id] = Attachment(url, parent, title)

    def of_post(self, post_id, pattern):
        return [
            a for a in self.attachments.values() if a.parent == post_id and pattern.search(a.url)
        ]


def parse_attributes(text):
    """Shortcode attributes as WordPress reads them: ``name="v"``, ``name='v'``, ``name=v``;
    values without a name are numbered ``0``, ``1``..."""
    attrs, n = {}, 0
    for m in ATTRIBUTE.finditer(text):
        if m[1]:
            attrs[m[1].lower()] = m[2]
        elif m[3]:
            attrs[m[3].lower()] = m[4]
        elif m[5]:
            attrs[m[5].lower()] = m[6]
        else:
            attrs[str(n)] = m[7] if m[7] is not None else m[8]
            n += 1
    return attrs


def player(url):
    """The ``<iframe>`` of a YouTube or Vimeo URL, or None for any other URL."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video = None
    if host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/", "/v/")):
            video = parts.path.split("/")[2]
    elif host == "youtu.be":
        video = parts.path.strip("/").split("/")[0]
    if video is not None:
        if not YOUTUBE_ID.match(video):
            return None
        src = f"https://www.youtube-nocookie.com/embed/{video}"
        return f'<iframe src="{src}" width="640" height="360" title="YouTube video" allowfullscreen></iframe>'
    if host in ("vimeo.com", "player.vimeo.com"):
        number = next((p for p in parts.path.split("/") if p.isdigit()), None)
        if number:
            src = f"https://player.vimeo.com/video/{number}"
            return f'<iframe src="{src}" width="640" height="360" title="Vimeo video" allowfullscreen></iframe>'
    return None


class Expander:
    """Expand one post's shortcodes; ``warnings`` says what was left out."""

    def __init__(self, post_id, media):
        self.post_id, self.media = post_id, media
        self.warnings = []

    def body(self, text):
        """A post's stored text as WordPress shows it: embeds, paragraphs, shortcodes."""
        text = URL_LINE.sub(self._url_line, text)
        text = SHORTCODE.sub(self._embed_only, text)
        text = autop(text)
        text = ALONE_IN_P.sub(r"\1", text)
        return SHORTCODE.sub(self._shortcode, text)

    def _url_line(self, m):
        html = player(m[2])
        return f"{m[1]}{html}{m[3]}" if html else m[0]

    def _embed_only(self, m):
        return self._shortcode(m) if m[2] == "embed" else m[0]

    def _shortcode(self, m):
        if m[1] and m[6]:  # [[gallery]]: written out, not expanded
            return m[0][1:-1]
        name, attrs, content = m[2], parse_attributes(m[3]), m[5] or ""
        return getattr(self, "_" + name.removeprefix("wp_"))(attrs, content) + (m[6] or "")

    def _caption(self, attrs, content):
        found = CAPTION_IMAGE.match(content)
        if not found:
            return content
        image, text = found[1], found[2].strip() or attrs.get("caption", "")
        caption = f"<figcaption>{text}</figcaption>" if text else ""
        return f"<figure>{image}{caption}</figure>"

    def _gallery(self, attrs, content):
        if attrs.get("ids"):
            wanted = [i.strip() for i in attrs["ids"].split(",")]
            images = [self.media.attachments[i] for i in wanted if i in self.media.attachments]
        else:
            images = self.media.of_post(self.post_id, IMAGE_FILE)
        if not images:
            self.warnings.append("a [gallery] whose images are not in the file was left out")
            return ""
        figures = "".join(
            f'<a href="{escape(a.url)}"><img src="{escape(a.url)}" alt="{escape(a.title)}"></a>'
            for a in images
        )
        return f"<figure>{figures}</figure>"

    def _embed(self, attrs, content):
        url = content.strip() or attrs.get("src", "") or attrs.get("0", "")
        if not url.startswith(("http://", "https://")):
            return ""
        return player(url) or f'<a href="{escape(url)}">{escape(url)}</a>'

    def _audio(self, attrs, content):
        return self._media("audio", AUDIO_FILE, attrs)

    def _video(self, attrs, content):
        return self._media("video", VIDEO_FILE, attrs)

    def _media(self, tag, pattern, attrs):
        sources = [
            v for k, v in attrs.items() if k == "src" or k.isdigit() or pattern.search(f".{k}")
        ]
        sources = [s for s in sources if s.startswith(("http://", "https://"))]
        if not sources:
            sources = [a.url for a in self.media.of_post(self.post_id, pattern)[:1]]
        if not sources:
            self.warnings.append(f"an [{tag}] whose file is not in the file was left out")
            return ""
        return f'<{tag} controls src="{escape(sources[0])}"></{tag}>'
