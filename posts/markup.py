"""The one place where text becomes HTML.

Staff Markdown, visitors' Markdown and imported HTML all leave here cleaned by an allow-list
sanitiser (nh3), so what is stored in ``*_html`` fields is safe to print with ``|safe``.
"""

import re
from urllib.parse import urlsplit

import markdown
import nh3

URL_SCHEMES = {"http", "https", "mailto"}
EMBED_HOSTS = {
    "www.youtube.com",
    "www.youtube-nocookie.com",
    "youtube.com",
    "player.vimeo.com",
}

POST_TAGS = (
    nh3.ALLOWED_TAGS | {"iframe", "figure", "figcaption", "video", "audio", "source", "track"}
) - {"map", "area"}
POST_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"title", "lang", "dir"},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "iframe": {"src", "width", "height", "title", "allowfullscreen"},
    # HTML5 media (imported block posts): the player's controls, never autoplay.
    "video": {"src", "controls", "width", "height", "loop", "muted", "playsinline"},
    "audio": {"src", "controls", "loop", "muted"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "code": {"class"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
}
COMMENT_TAGS = {
    "p", "br", "a", "em", "strong", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "hr", "del", "s", "sup", "sub",
}  # fmt: skip
COMMENT_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
COMMENT_LINK_REL = "nofollow ugc noopener"


def _keep_safe_embeds(tag, attribute, value):
    """Drop iframes that do not point at an allowed video host over HTTPS."""
    if tag == "iframe" and attribute == "src":
        url = urlsplit(value)
        return value if url.scheme == "https" and url.hostname in EMBED_HOSTS else None
    return value


_post_cleaner = nh3.Cleaner(
    tags=POST_TAGS,
    clean_content_tags={"script", "style"},
    attributes=POST_ATTRIBUTES,
    attribute_filter=_keep_safe_embeds,
    url_schemes=URL_SCHEMES,
    link_rel="noopener",
)
_comment_cleaner = nh3.Cleaner(
    tags=COMMENT_TAGS,
    clean_content_tags={"script", "style"},
    attributes=COMMENT_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=COMMENT_LINK_REL,
)


def _markdown(*, raw_html):
    md = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    if not raw_html:
        # Visitors' raw HTML is shown as text, not parsed.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


# What the cleaner leaves of an iframe whose source was not an allowed video host.
_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>")


def _clean_post_html(html):
    return _EMPTY_IFRAME.sub("", _post_cleaner.clean(html))


def render_markdown(text):
    """Render staff Markdown (posts, pages, the admin's live preview) to clean HTML."""
    return _clean_post_html(_markdown(raw_html=True).convert(text or ""))


def render_comment_markdown(text):
    """Render a visitor's Markdown: raw HTML shows as text, a stricter allow-list applies."""
    return _comment_cleaner.clean(_markdown(raw_html=False).convert(text or ""))


def clean_html(html, *, comment=False):
    """Clean imported HTML with the same allow-list as Markdown from the same kind of author."""
    return _comment_cleaner.clean(html or "") if comment else _clean_post_html(html or "")


def render(text, source_format, *, comment=False):
    """Turn stored source (``markdown`` or ``html``) into clean HTML."""
    if source_format == "html":
        return clean_html(text, comment=comment)
    return render_comment_markdown(text) if comment else render_markdown(text)
