"""WordPress's paragraphs: the classic editor stores text with blank lines between paragraphs
and single newlines for line breaks, and WordPress adds ``<p>`` and ``<br>`` when it shows a post
(its ``wpautop`` filter). An importer has to do the same once, or the paragraphs run together.

This follows the steps of WordPress's own ``wpautop`` (wp-includes/formatting.php), in Python:
``<pre>`` is set aside; blank lines are made around block-level tags, so that a post mixing
blank-line paragraphs with a list or a heading keeps both; the text is cut at blank lines and each
piece wrapped in ``<p>``; the wrapping is then taken off block tags again, and remaining single
newlines become ``<br>``. Block-editor posts (``<!-- wp:`` comments) already hold their
paragraphs: WordPress does not run ``wpautop`` on them, and neither does this.
"""

import re

BLOCKS = (
    "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|"
    "hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
# An HTML comment, a CDATA section or a tag (an unclosed one runs to the end of the text).
HTML_PART = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[^>]*>?", re.S)
NEWLINE_MARK = " <!-- wpnl --> "
PRESERVE = "<WPPreserveNewline />"

_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>")
_BEFORE_BLOCK = re.compile(rf"(<{BLOCKS}[\s/>])")
_AFTER_BLOCK = re.compile(rf"(</{BLOCKS}>)")
_AFTER_HR = re.compile(r"(<hr\s*?/?>)")
_BLANK_LINES = re.compile(r"\n\s*\n")
_EMPTY_P = re.compile(r"<p>\s*</p>")
_UNCLOSED_P = re.compile(r"<p>([^<]+)</(div|address|form)>")
_P_AROUND_BLOCK = re.compile(rf"<p>\s*(</?{BLOCKS}[^>]*>)\s*</p>")
_P_AROUND_LI = re.compile(r"<p>(<li.+?)</p>")
_P_AROUND_QUOTE = re.compile(r"<p><blockquote([^>]*)>", re.I)
_P_BEFORE_BLOCK = re.compile(rf"<p>\s*(</?{BLOCKS}[^>]*>)")
_P_AFTER_BLOCK = re.compile(rf"(</?{BLOCKS}[^>]*>)\s*</p>")
_KEEP_NEWLINES = re.compile(r"<(script|style|svg).*?</\1>", re.S)
_NEWLINE = re.compile(r"(?<!<br />)\s*\n")
_BR_AFTER_BLOCK = re.compile(rf"(</?{BLOCKS}[^>]*>)\s*<br />")
_BR_BEFORE_BLOCK = re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)")


def is_block_post(text):
    return "<!-- wp:" in text


def autop(text, br=True):
    """Paragraphs and line breaks for text written with blank lines, as WordPress shows it."""
    if not text or not text.strip():
        return ""
    if is_block_post(text):
        return text
    text, pres = _set_aside_pre(text + "\n")
    text = _DOUBLE_BR.sub("\n\n", text)
    text = _BEFORE_BLOCK.sub(r"\n\n\1", text)
    text = _AFTER_BLOCK.sub(r"\1\n\n", text)
    text = _AFTER_HR.sub(r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Newlines inside tags and comments are not line breaks: marked, and put back at the end.
    text = HTML_PART.sub(lambda m: m[0].replace("\n", NEWLINE_MARK), text)
    text = _collapse_inside_media(text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in _BLANK_LINES.split(text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)
    text = _EMPTY_P.sub("", text)
    text = _UNCLOSED_P.sub(r"<p>\1</p></\2>", text)
    text = _P_AROUND_BLOCK.sub(r"\1", text)
    text = _P_AROUND_LI.sub(r"\1", text)
    text = _P_AROUND_QUOTE.sub(r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _P_BEFORE_BLOCK.sub(r"\1", text)
    text = _P_AFTER_BLOCK.sub(r"\1", text)
    if br:
        text = _KEEP_NEWLINES.sub(lambda m: m[0].replace("\n", PRESERVE), text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = _NEWLINE.sub("<br />\n", text)
        text = text.replace(PRESERVE, "\n")
    text = _BR_AFTER_BLOCK.sub(r"\1", text)
    text = _BR_BEFORE_BLOCK.sub(r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for mark, pre in pres.items():
        text = text.replace(mark, pre)
    return text.replace(NEWLINE_MARK, "\n").replace("<!-- wpnl -->", "\n")


def _set_aside_pre(text):
    """``<pre>`` blocks are left as they are: each is replaced by a mark, put back at the end."""
    pres = {}
    if "<pre" not in text:
        return text, pres
    parts = text.split("</pre>")
    out = []
    for i, part in enumerate(parts[:-1]):
        start = part.find("<pre")
        if start < 0:  # a </pre> without its <pre>
            out.append(part)
            continue
        mark = f"<pre wp-pre-tag-{i}></pre>"
        pres[mark] = part[start:] + "</pre>"
        out.append(part[:start] + mark)
    out.append(parts[-1])
    return "".join(out), pres


def _collapse_inside_media(text):
    """No paragraphs between an ``<option>``, an ``<object>``'s ``<param>``, a ``<video>``'s
    ``<source>`` or a ``<figcaption>`` and what is around it."""
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    return text
