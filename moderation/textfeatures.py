"""Turn a comment into the set of tokens the spam filter learns from.

Everything here must survive hostile input: a comment body is whatever a
visitor (or an import file) sends.  So we read a bounded prefix of the text,
never trust URLs to parse, and cap the number of links we look at closely while
still counting all of them with one cheap regular expression.

Token kinds (all lower case):

* plain words: runs of unicode letters/digits, 2..30 characters;
* word pairs ``"check out"``: short phrases ("my channel", "nice post") say
  far more than their words alone;
* ``domain:<host>`` for every link host, plus its registrable part
  (``domain:example.com`` for ``www.example.com``);
* ``hasurl:yes`` when the website field is filled (its host is a ``domain:`` token);
* ``links:<bucket>`` (1, 2, 3-5, 6+), ``caps:<WORD>`` for shouted words and
  ``shape:`` tokens for mostly upper-case text or absurdly long "words".

There are deliberately no tokens of the commenter's name or email address. A learned word
is a reason a moderator reads, and it must be something the comment says or links to: a
filter that learned "Reader" or "gmail.com" from spam would hold the next honest reader who
signs so, and say so in the queue. A name that is an advert ("Best SEO Services") is the
identity signal's to judge, with its own reason (:mod:`moderation.signals.identity`).

There are deliberately no tokens for absences (no link, no URL):
a token present in almost every comment carries no evidence, yet it would
still count as a clue and, like any common token, drift towards the class
with shorter comments.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from urllib.parse import urlsplit

MAX_CHARS = 20_000  # prefix of the body that is tokenised
MAX_LINKS = 200  # links whose hosts are parsed; the rest are only counted
MIN_WORD, MAX_WORD = 2, 30

# Zero-width, soft hyphen, bidi controls, BOM and tag characters: invisible
# characters spammers use to split words ("via\u200bgra") or reorder text.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)
_TAG_RE = re.compile(r"<[^<>]{0,2000}>")
_HREF_RE = re.compile(r"""href\s*=\s*["']?([^"'\s<>]{1,2000})""", re.IGNORECASE)
# A link: an explicit scheme, a protocol-relative "//host", or "www.".
_URL_RE = re.compile(
    r"(?:\bhttps?://|(?<![\w/:])//(?=[^\s/])|\bwww\.)[^\s<>\"'`]{0,2000}",
    re.IGNORECASE,
)
# A bare "example.com" with a common top-level domain; counts as a link host
# (spammers write "murdev.com" to dodge link rules) but not for the link limit.
_BARE_DOMAIN_RE = re.compile(
    r"(?<![\w@./-])((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,4}"
    r"(?:com|net|org|info|biz|ru|io|co|me|tv|us|uk|de|in|xyz|top|online|site|"
    r"club|shop|store|live|pro|cc|ws|su|ly|gl|be|to))\b(?![\w.@-]*[\w@])",
    re.IGNORECASE,
)
# What every bare domain has, looked for before the costly pattern.
_TLD_RE = re.compile(
    r"\.(?:com|net|org|info|biz|ru|io|co|me|tv|us|uk|de|in|xyz|top|online|site|"
    r"club|shop|store|live|pro|cc|ws|su|ly|gl|be|to)\b",
    re.IGNORECASE,
)
_WWW_RE = re.compile(r"www\.", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W_]+")
_CAPS_RE = re.compile(r"\b[A-Z]{3,}\b")
_HOST_RE = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+$")
_IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN")
_SECOND_LEVEL = {"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go"}


def _clean(text: str) -> str:
    """Tags to spaces, NFKC, invisible characters removed; case kept."""
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    return _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))


def normalise(text: str, limit: int | None = MAX_CHARS) -> str:
    """Bounded, NFKC-normalised, invisible-free, lower-cased plain text.

    HTML entities are unescaped and tags replaced by spaces, so imported
    Blogger HTML and the YouTube CSV read like what a person sees, and
    full-width or "mathematical" letters (ＦＲＥＥ, 𝐟𝐫𝐞𝐞) read as plain ones.
    """
    return _clean(_raw(text, limit)).lower()


def words(text: str) -> list[str]:
    """All letter/digit runs of already normalised text, in order."""
    return _WORD_RE.findall(text)


def _raw(text: str, limit: int | None) -> str:
    """The first ``limit`` characters of ``text`` with HTML entities decoded."""
    text = (text or "")[:limit] if limit else (text or "")
    return html.unescape(text) if "&" in text else text


def _iter_links(text: str):
    """Yield every link in ``text`` (hrefs first, then visible URLs).

    A visible URL that repeats an href already seen (``<a href=X>X</a>``) is
    the same link shown twice and is not yielded again.
    """
    hrefs = None
    if "<" in text:
        hrefs = Counter()
        for m in _HREF_RE.finditer(text):
            hrefs[m.group(1)] += 1
            yield m.group(1)
        text = _TAG_RE.sub(" ", text)
    if "//" not in text and not _WWW_RE.search(text):
        return  # (every visible link has "//" or "www.": most comments have neither)
    for m in _URL_RE.finditer(text):
        url = m.group(0).rstrip(".,;:!?)]}*")
        if hrefs and hrefs[url] > 0:
            hrefs[url] -= 1
            continue
        yield url


def _without_urls(text: str) -> str:
    """``text`` with its visible URLs replaced by spaces (``_URL_RE`` is run only on text
    that can hold one)."""
    if "//" not in text and not _WWW_RE.search(text):
        return text
    return _URL_RE.sub(" ", text)


def without_links(text: str) -> str:
    """``text`` (plain, tags already removed) with its web addresses and bare domains taken
    out: what the comment says in words."""
    if "." not in text and "/" not in text:
        return text
    text = _without_urls(text)
    return _BARE_DOMAIN_RE.sub(" ", text) if _TLD_RE.search(text) else text


def count_links(text: str, url: str = "") -> int:
    """Number of links in the whole body (not only the tokenised prefix), plus ``url``.

    Counting runs one linear regular-expression scan, so even a body with a
    million links is counted in well under a second.
    """
    n = sum(1 for _ in _iter_links(_raw(text, None)))
    return n + (1 if (url or "").strip() else 0)


def link_host(url: str) -> str | None:
    """The normalised host of ``url``, "invalid" when unparseable, None when absent."""
    url = url.strip()
    if not url:
        return None
    if url.startswith("//"):
        url = "http:" + url
    elif "://" not in url[:12]:
        url = "http://" + url
    try:
        host = urlsplit(url[:2000]).hostname
    except ValueError:
        return "invalid"
    if not host:
        return "invalid"
    host = unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", host)).lower()
    host = host.rstrip(".")
    if "xn--" in host:
        try:
            host = host.encode("ascii").decode("idna")
        except (UnicodeError, ValueError):
            return "invalid"
    if len(host) > 253 or not _HOST_RE.match(host):
        return "invalid"
    if max(len(label) for label in host.split(".")) > 63:
        return "invalid"
    return host


def registrable(host: str) -> str:
    """Approximate registrable domain: the last two labels (three for co.uk style)."""
    if _IPV4_RE.match(host):
        return "ip-address"
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def link_domains(text: str, url: str = "", limit: int = MAX_LINKS) -> list[str]:
    """Distinct hosts of the first ``limit`` links of the body (and ``url``), in order.

    Bare ``example.com`` mentions count as hosts too.  Unparseable hosts come
    back as ``"invalid"`` (itself a strong spam sign).
    """
    raw = _raw(text, MAX_CHARS)
    seen: dict[str, None] = {}
    candidates = [url] if url else []
    for i, link in enumerate(_iter_links(raw)):
        if i >= limit:
            break
        candidates.append(link)
    for u in candidates:
        host = link_host(u)
        if host:
            seen[host] = None
    if len(seen) < limit:
        plain = _without_urls(_TAG_RE.sub(" ", raw) if "<" in raw else raw)
        for m in _BARE_DOMAIN_RE.finditer(plain) if _TLD_RE.search(plain) else ():
            host = link_host(m.group(1))
            if host and host != "invalid":
                seen[host] = None
            if len(seen) >= limit:
                break
    return list(seen)


def _links_bucket(n: int) -> str:
    if n <= 2:
        return str(n)
    return "3-5" if n <= 5 else "6+"


def _mixed_script(word: str) -> bool:
    """True for a word mixing Latin, Cyrillic, Greek... letters ("pаypal" with a Cyrillic а)."""
    if word.isascii():
        return False
    found = {unicodedata.name(c, "").partition(" ")[0] for c in word if c.isalpha()}
    return sum(script in found for script in _SCRIPTS) > 1


def tokens(text: str, url: str = "") -> set[str]:
    """The feature tokens of one comment's text and website field (see the module docstring).

    Reads at most ``MAX_CHARS`` characters of ``text``.
    """
    raw = _raw(text, MAX_CHARS)
    cased = _clean(raw)
    return tokens_from(raw, cased, words(cased.lower()), link_domains(raw, url), url)


def tokens_from(
    raw: str,
    cased: str,
    all_words: list[str],
    hosts: list[str],
    url: str,
    n_links: int | None = None,
) -> set[str]:
    """:func:`tokens` from the parts a caller has computed already: the bounded text, its
    cleaned form, its lower-cased words, its link hosts (``link_domains(raw, url)``) and,
    optionally, the number of links in ``raw``."""
    ws = [w for w in all_words if len(w) <= MAX_WORD]
    out = {w for w in ws if len(w) >= MIN_WORD}
    out.update(map(" ".join, zip(ws, ws[1:], strict=False)))  # word pairs
    if len(ws) != len(all_words):
        out.add("shape:longword")
    if not cased.isascii() and any(_mixed_script(w) for w in ws):
        out.add("shape:mixed-script")

    if n_links is None:
        n_links = sum(1 for _ in _iter_links(raw))
    if n_links:
        out.add("links:" + _links_bucket(n_links))
    for host in hosts:
        out.add("domain:" + host)
        if host != "invalid":
            out.add("domain:" + registrable(host))

    # Shouting: mostly upper-case text, and upper-case words ("FREE") in it.
    head = cased[:2000]
    letters = list(filter(str.isalpha, head))
    if len(letters) >= 8:
        upper = sum(map(str.isupper, letters)) / len(letters)
        if upper > 0.2:
            out.add("shape:caps-most" if upper > 0.6 else "shape:caps-some")
    if not head.islower():  # (an all lower-case text has no upper-case word)
        out.update("caps:" + w.lower() for w in _CAPS_RE.findall(head))

    if (url or "").strip():
        out.add("hasurl:yes")
    return out
