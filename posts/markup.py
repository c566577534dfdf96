"""The one place where text becomes HTML.

Staff Markdown, visitors' Markdown and imported HTML all leave here cleaned by an allow-list
sanitiser (nh3), so what is stored in ``*_html`` fields is safe to print with ``|safe``.
"""

import bisect
import html
import re
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX, AtomicString

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


# Bounding the work -------------------------------------------------------------------------
#
# Python-Markdown spends time that grows faster than the text on some inputs: each "[" with
# no "]" makes seven link patterns scan to the end of the paragraph (10,000 "[" took 12 s),
# a "(" after "]" with no ")" does the same, nested ">" re-parses the block once per level,
# "<a<a<a..." makes the HTML parser scan to the end once per "<", and every paragraph or
# markup character costs a pass of all the inline patterns. Before Markdown sees those runs,
# the characters are escaped exactly as a backslash would escape them (STX + code point +
# ETX, what Markdown's own escape turns "\[" into), so the visitor's characters are all shown,
# only not as markup; ordinary text renders as before. Code is not touched.

MAX_BRACKET_DEPTH = 3  # "[![alt](src)](href)" needs 2
MAX_QUOTE_DEPTH = 5
MAX_ABBREVIATIONS = 5
MAX_FOOTNOTES = 10  # definitions; each costs the footnotes extension a lot
BLOCKS_BASE = 100  # blocks allowed per document: this, plus one per BLOCKS_CHARS_PER_BLOCK
BLOCKS_CHARS_PER_BLOCK = 100
MAX_LIST_INDENT = 16  # spaces before a list item's marker (four levels of nesting)
TAGS_BASE = 100  # raw HTML tags (staff) per document: this, plus one per TAGS_CHARS_PER_TAG
TAGS_CHARS_PER_TAG = 100
MAX_HTML_DEPTH = 64  # imported HTML: elements nested deeper are shown as text
MAX_OPEN_TITLES = 4  # "(" kept with no ")" after it because a title might close it
# Inline work allowed per document, in "markup units": a text chunk that needs the inline
# patterns costs CHUNK_COST, each markup character or code span one. Past it, the rest of the
# document is shown as text, markup characters included.
CHUNK_COST = 8
BUDGET_BASE = 200
BUDGET_CHARS_PER_UNIT = 8

_INLINE_MARKUP = re.compile(r"[`\\\[\]<&*_]|  \n")
_MARKUP_TOKENS = re.compile(r"[\[\]()*_]|[<&]+|`+|  \n")
_BRACKETS = re.compile(r"[\[\]()]")
_BACKSLASH = re.compile(r"\\(.)", re.S)
_BACKSLASH_PAIRS = re.compile(r"(?:\\\\){2,}")
_QUOTE_BEFORE_PAREN = re.compile(r"\([^)'\"]{0,300}['\"]")
_ESCAPED = re.compile(f"{STX}(?:run:)?([0-9]+)(?::([0-9]+))?{ETX}")
_DEEP_QUOTE = re.compile(
    rf"(?m)^((?:[ \t]*(?:[-*+]|[0-9]+[.)])?[ \t]*>){{{MAX_QUOTE_DEPTH}}}[ \t]*)>"
)
_TICKS = re.compile(r"`+")
# A line that starts a block: a list item, quote, heading, definition, footnote, table row.
_BLOCK_START = re.compile(r"^([ \t]*)([-*+#>:|]|[0-9]+[.)]|\[\^)(.*)$")
_BROKEN_TAG = re.compile(r"<(?=[A-Za-z/!?])(?=[^<>]*<)")  # a "<" whose tag never ends
_ABBREVIATION = re.compile(r"(?m)^()(\*)(?=\[)")
_TAG = re.compile(r"()(<)(?=[A-Za-z/!?])")
_FOOTNOTE = re.compile(r"(?m)^([ ]{0,3})(\[)(?=\^)")
_LONE_AMP = re.compile(r"&(?!#?[A-Za-z0-9]+;)")
_RUN_OF_LT_AMP = re.compile(r"([<&])\1+(?=\1)")


def _escape(char):
    return f"{STX}{ord(char)}{ETX}"


_ESCAPE_TABLE = {ord(c): f"{STX}{ord(c)}{ETX}" for c in "`\\[]()<>&*_!-+#:|.^"}


def _escape_all(text):
    return text.translate(_ESCAPE_TABLE)


def _escape_backslashes(text, escapable):
    """What Markdown's escape pattern makes of ``text``, without a pass per escape: an
    escapable character becomes its escape, any other keeps its backslash (escaped too)."""
    if "\\" not in text:
        return text
    text = _BACKSLASH_PAIRS.sub(lambda m: _escape_run("\\", len(m.group()) // 2), text)

    def one(m):
        char = m.group(1)
        return _escape(char) if char in escapable else _escape("\\") + char

    return _BACKSLASH.sub(one, text)


def _escape_at(text, positions):
    """``text`` with the characters at ``positions`` escaped."""
    out, last = [], 0
    for i in sorted(positions):
        out += [text[last:i], _escape(text[i])]
        last = i + 1
    out.append(text[last:])
    return "".join(out)


def _escape_run(char, count):
    """``count`` times ``char``, escaped as one (expanded by ``_RestoreEscapes``)."""
    return f"{STX}run:{ord(char)}:{count}{ETX}"


def _escape_ticks(text, runs, spans):
    """``text`` with the backtick ``runs`` ``(start, length)`` escaped, and ``spans`` moved
    on by what that added before them."""
    out, last, moved, shifts = [], 0, 0, []
    for start, size in sorted(runs):
        out += [text[last:start], _escape_run("`", size)]
        moved += len(out[-1]) - size
        shifts.append((start, moved))
        last = start + size
    out.append(text[last:])

    def shift(pos):
        i = bisect.bisect_right(shifts, (pos, float("inf"))) - 1
        return pos + (shifts[i][1] if i >= 0 and shifts[i][0] < pos else 0)

    return "".join(out), [(shift(begin), shift(end)) for begin, end in spans]


def _cap(definition, limit, text):
    """Past ``limit`` matches of ``definition``, escape the character of its second group."""
    for i, m in enumerate(definition.finditer(text)):
        if i == limit:
            head, tail = text[: m.start()], text[m.start() :]
            return head + definition.sub(lambda d: d.group(1) + _escape(d.group(2)), tail)
    return text


def _escape_marker(m):
    return m.group(1) + _escape_all(m.group(2)) + m.group(3)


class _Plain(AtomicString):
    """Text with no markup left: the inline patterns skip it (then it is a plain str again)."""


class _BoundBlocks(Preprocessor):
    """Cap blockquote nesting, abbreviation definitions and the number of blocks; escape a
    "<" whose tag never closes before the next "<" (the HTML parser would rescan the rest
    for each)."""

    def run(self, lines):
        text = "\n".join(lines)
        # One escaped ">" ends the quote markers: the rest of the line is text after it.
        text = _DEEP_QUOTE.sub(lambda m: m.group(1) + _escape(">"), text)
        text = _BROKEN_TAG.sub(_escape("<"), text)
        # A run of "<" or "&" is text but for its last character (which may start a tag).
        text = _RUN_OF_LT_AMP.sub(lambda m: _escape_run(m.group(1), len(m.group())), text)
        # An "&" that starts no entity is text: the HTML parser would try one at each.
        text = _LONE_AMP.sub(_escape("&"), text)
        text = _cap(_TAG, TAGS_BASE + len(text) // TAGS_CHARS_PER_TAG, text)
        text = _cap(_ABBREVIATION, MAX_ABBREVIATIONS, text)
        text = _cap(_FOOTNOTE, MAX_FOOTNOTES, text)
        return self.bound_blocks(text.split("\n"))

    @staticmethod
    def bound_blocks(lines):
        """Past the document's number of blocks (each costs Python-Markdown a pass of all its
        block processors), the rest is joined into one line, its first marker escaped: it is
        shown as the text of one paragraph."""
        limit = BLOCKS_BASE + sum(map(len, lines)) // BLOCKS_CHARS_PER_BLOCK
        count, blank = 0, True
        for i, line in enumerate(lines):
            if not line.strip():
                blank = True
                continue
            start = _BLOCK_START.match(line)
            if blank or start:
                count += 1
                if count > limit:  # the rest: one line, so no marker starts a line but its own
                    rest = " ".join(line.strip() for line in lines[i:] if line.strip())
                    return [*lines[:i], _BLOCK_START.sub(_escape_marker, rest)]
            if start and len(start.group(1).expandtabs(4)) > MAX_LIST_INDENT:
                lines[i] = _escape_marker(start)  # nested too deep: text of the item above
            blank = False
        return lines


class _BoundInline(Treeprocessor):
    """Before the inline patterns: escape the brackets they would rescan, and spend at most
    the document's budget on inline markup (see the comment above)."""

    def run(self, root):
        chunks = [
            (elem, attr)
            for elem in root.iter()
            for attr in ("text", "tail")
            if getattr(elem, attr) and not isinstance(getattr(elem, attr), AtomicString)
        ]
        total = sum(len(getattr(elem, attr)) for elem, attr in chunks)
        self.left = BUDGET_BASE + total // BUDGET_CHARS_PER_UNIT
        self.titles_left = MAX_OPEN_TITLES
        self.backtick = self.md.inlinePatterns["backtick"]
        self.escapable = set(self.md.ESCAPED_CHARS)
        self.backslash = re.compile(rf"\\([{re.escape(''.join(self.escapable))}])")
        for elem, attr in chunks:
            setattr(elem, attr, self.bound(getattr(elem, attr)))

    def bound(self, text):
        """The chunk as the inline patterns are to see it."""
        if not _INLINE_MARKUP.search(text):
            return _Plain(text)
        cost = CHUNK_COST + len(_MARKUP_TOKENS.findall(text))
        if cost > self.left:  # over budget: shown as written, backslash escapes applied
            self.left = 0
            return _Plain(self.backslash.sub(r"\1", text))
        self.left -= cost
        return self.escape_runs(text)

    def code_spans(self, text):
        """Where the backtick pattern will find code, found as it does but without its scan
        to the end for a run that nothing closes; and the backtick runs to escape so that it
        never makes that scan, as ``(start, length)``: a run that opens nothing (shown as it
        is anyway), and the ticks of a run beyond the shorter run that closes it (code, as
        Markdown makes them)."""
        runs = [(m.start(), len(m.group())) for m in _TICKS.finditer(text)]
        starts = [start for start, _ in runs]
        by_size = {}
        for start, size in runs:
            by_size.setdefault(size, []).append(start)
        longest_after = [(0, 0)] * (len(runs) + 1)  # (longest run from i on, -its first start)
        for i in range(len(runs) - 1, -1, -1):
            longest_after[i] = max(longest_after[i + 1], (runs[i][1], -runs[i][0]))
        spans, escape, pos, regex = [], [], 0, self.backtick.compiled_re
        while (m := regex.search(text, pos)) is not None:
            begin = m.end() if m.group(1) else m.start()  # escaped backslashes, then "`"
            size = len(_TICKS.match(text, begin).group())
            after = begin + size
            same = by_size[size]
            i = bisect.bisect_left(same, after)
            if i < len(same):
                end = same[i] + size
            else:
                longest, first = longest_after[bisect.bisect_left(starts, after)]
                if not 0 < longest < size:
                    escape.append((begin, size))
                    pos = after
                    continue
                escape.append((begin + longest, size - longest))  # Markdown's fallback
                end = -first + longest
            spans.append((begin, end))
            pos = end
        return spans, escape

    def escape_runs(self, text):
        """Apply backslash escapes outside code (as Markdown's escape pattern would, in one
        pass), then escape each "[" no "]" closes, brackets nested too deep, and a "(" after
        a link text that no ")" closes."""
        spans, ticks = self.code_spans(text) if "`" in text else ([], [])
        if ticks:
            text, spans = _escape_ticks(text, ticks, spans)
        parts, last = [], 0
        for begin, end in spans:
            parts += [_escape_backslashes(text[last:begin], self.escapable), text[begin:end]]
            last = end
        parts.append(_escape_backslashes(text[last:], self.escapable))
        text = "".join(parts)
        if "[" not in text:
            return text
        code = []  # code spans again, in the escaped text
        pos = 0
        for i, part in enumerate(parts):
            if i % 2:
                code.append((pos, pos + len(part)))
            pos += len(part)
        code.append((len(text) + 1, len(text) + 1))
        escape, opens, pairs, parens = set(), [], [], []
        closed_paren = set()
        span = 0
        for m in _BRACKETS.finditer(text):
            pos = m.start()
            while code[span][1] <= pos:
                span += 1
            if code[span][0] <= pos:
                continue  # inside a code span
            char = m.group()
            if char == "[":
                opens.append(pos)
            elif char == "]":
                if opens:
                    pairs.append((opens.pop(), pos))
            elif char == "(":
                parens.append(pos)
            elif parens:
                closed_paren.add(parens.pop())
        escape.update(opens)  # a "[" that no "]" closes
        escape.update(self.deep_pairs(pairs))
        closes = {close for start, close in pairs if start not in escape}
        for start in parens:  # a "(" after a link text that no ")" closes...
            if start - 1 in closes:
                if self.titles_left > 0 and _QUOTE_BEFORE_PAREN.match(text, start):
                    self.titles_left -= 1  # ...unless a title's quote may: [a](b "(")
                else:
                    escape.add(start)
        return _escape_at(text, escape)

    @staticmethod
    def deep_pairs(pairs):
        """Positions of the brackets nested deeper than MAX_BRACKET_DEPTH."""
        events = sorted([(s, 1, e) for s, e in pairs] + [(e, -1, s) for s, e in pairs])
        depth, deep = 0, []
        for pos, step, other in events:
            if step == 1:
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    deep += [pos, other]
            else:
                depth -= 1
        return deep


class _Unplain(Treeprocessor):
    """After the inline patterns: skipped text is ordinary text again (abbreviations apply)."""

    def run(self, root):
        for elem in root.iter():
            if isinstance(elem.text, _Plain):
                elem.text = str(elem.text)
            if isinstance(elem.tail, _Plain):
                elem.tail = str(elem.tail)


def _restore(m):
    return html.escape(chr(int(m.group(1))), quote=False) * int(m.group(2) or 1)


class _RestoreEscapes(Postprocessor):
    """Characters escaped above that ended in code or raw HTML: back to themselves."""

    def run(self, text):
        return _ESCAPED.sub(_restore, text)


class BoundedMarkdown(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(_BoundBlocks(md), "bound_blocks", 22)
        md.treeprocessors.register(_BoundInline(md), "bound_inline", 21)
        md.treeprocessors.register(_Unplain(md), "unplain", 19)
        md.postprocessors.register(_RestoreEscapes(md), "restore_escapes", 1)


def _markdown(*, raw_html, bounded=True):
    extensions = ["extra", "sane_lists", *([BoundedMarkdown()] if bounded else [])]
    md = markdown.Markdown(extensions=extensions, output_format="html")
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


_BARE_AMP = re.compile(r"&(?![#A-Za-z0-9])")
_BARE_LT = re.compile(r"<(?![A-Za-z/!?])")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip


def _shallow(html):
    """``html`` with the tags that open elements nested deeper than MAX_HTML_DEPTH shown as
    text (the sanitiser's tree builder takes time quadratic in the depth), and a bare "&" or
    "<" written as the entity the sanitiser would make of it (runs of them are slow too)."""
    html = _BARE_LT.sub("&lt;", _BARE_AMP.sub("&amp;", html))
    if html.count("<") <= MAX_HTML_DEPTH:
        return html  # too few tags to nest that deep (most comments): no need to look
    depth, deep = 0, []
    for m in _HTML_TAG.finditer(html):
        if m.group(1):
            depth = max(depth - 1, 0)
        elif not m.group(3) and m.group(2).lower() not in _VOID:
            if depth >= MAX_HTML_DEPTH:
                deep.append(m.start())
            else:
                depth += 1
    if not deep:
        return html
    out, last = [], 0
    for start in deep:
        out += [html[last:start], "&lt;"]
        last = start + 1
    out.append(html[last:])
    return "".join(out)


def clean_html(html, *, comment=False):
    """Clean imported HTML with the same allow-list as Markdown from the same kind of author."""
    html = _shallow(html or "")
    return _comment_cleaner.clean(html) if comment else _clean_post_html(html)


_TAG = re.compile(r"<[^>]*>")


def text_of(clean):
    """The plain text of HTML this module cleaned, as ``html.unescape(strip_tags(...))`` gives
    it, about four times faster: the sanitiser writes every "<" and ">" of text and attribute
    values as an entity and drops comments, so each "<" opens a tag that the next ">" ends."""
    return html.unescape(_TAG.sub("", clean))


def render(text, source_format, *, comment=False):
    """Turn stored source (``markdown`` or ``html``) into clean HTML."""
    if source_format == "html":
        return clean_html(text, comment=comment)
    return render_comment_markdown(text) if comment else render_markdown(text)
