"""What the signals read: the comment as plain values, and views of its text computed once."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.utils.functional import cached_property  # no lock, unlike functools' in 3.11

from .. import duplicates, langid, textfeatures
from . import promotion

STEM = 5  # words are compared by their first letters: "tomatoes" meets "tomates"
MIN_CONTENT = 3
SHORT_WORDS = 12  # a comment of at most this many words and no link is "short"

_EXTRA_STOPWORDS = set(
    """
    about after again also although always another any anyone anything are aren around
    because been before being below between both can cannot could couldn did didn does doesn
    doing don done down during each either else even ever every few first for from further
    get gets getting got had hadn has hasn have haven having her here hers herself him
    himself his how however into isn its itself just last least less let like made make
    many may maybe might mine more most much must myself never next nor not now off once
    only other our ours out over own per quite rather same she should since some still such
    than that their theirs them then there these they thing things think this those though
    through thus till too under until upon use used using very via want was wasn way well
    were weren what when where whether which while who whom whose why will with within
    without won would wouldn yes yet you your yours yourself also one two three can't i'm
    i've i'll it's that's there's don't didn't doesn't isn't wasn't you're we're they're
    hello hey hi dear sir hallo bonjour ola olá
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
STOPWORDS = frozenset(
    _EXTRA_STOPWORDS | {w for ws in langid._STOPWORDS.values() for w in ws.split()}
)
_ANCHOR_RE = re.compile(r"<a\b[^>]{0,2000}>(.{0,300}?)</a\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^<>]{0,2000}>")
_LANGUAGES: dict = {}
_PHONE_DIGITS_RE = re.compile(r"\d(?:[\s().-]?\d){8}")  # nine digits: a phone number


@dataclass
class Submission:
    """What the pipeline reads of a comment."""

    text: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str | None = None
    post_age_days: float = 0.0
    post_open: bool = True
    registered: bool = False  # written by a logged-in user
    trusted_user: bool = False  # written by a logged-in member of staff
    exclude: frozenset = frozenset()  # comment ids not to compare with (itself, its parent)
    # The post it is on; without it the signals that compare with the post are neutral.
    post_title: str = ""
    post_text: str = ""
    post_language: str = ""  # a language code; "" = detect from the post's text
    by_post_author: bool = False  # written by the post's author (their user account)


def content_words(words) -> list[str]:
    """The words that carry meaning: three letters or more, not digits, not stopwords."""
    return [w for w in words if len(w) >= MIN_CONTENT and not w.isdigit() and w not in STOPWORDS]


@lru_cache(maxsize=256)
def post_view(title: str, text: str) -> tuple[frozenset, str | None, str | None]:
    """(stems, script, language) of a post, cached: many comments share a post."""
    plain = textfeatures.normalise(f"{title}\n{text}")
    stems = frozenset(w[:STEM] for w in content_words(textfeatures.words(plain)))
    script, language = langid.detect(textfeatures.normalise(f"{title}\n{text}", 4000))
    return stems, script, language


def site_language() -> str:
    return (getattr(settings, "LANGUAGE_CODE", "en") or "en").split("-")[0].lower()


@dataclass
class Context:
    """One comment being judged, with everything the signals may consult."""

    sub: Submission
    policy: object = None
    counts: object = None  # the Bayes counts (bayes.CountsSource) or None
    recent: object = None  # pipeline.RecentIndex or a list of (id, shingles)
    spam_memory: object = None  # repeats.SpamMemory or None
    is_returning: Callable[[str], bool] = lambda email: False
    blog_languages: frozenset = frozenset()  # language codes the blog writes in
    given_tokens: set | None = None
    notes: dict = field(default_factory=dict)  # what a signal found, for the judge

    # --- the comment's text ------------------------------------------------------------
    @cached_property
    def raw(self) -> str:
        return textfeatures._raw(self.sub.text, textfeatures.MAX_CHARS)

    @cached_property
    def cased(self) -> str:
        """Plain text, case kept (tags removed, NFKC, no invisible characters)."""
        return textfeatures._clean(self.raw)

    @cached_property
    def plain(self) -> str:
        return self.cased.lower()

    @cached_property
    def words(self) -> list[str]:
        return textfeatures.words(self.plain)

    @cached_property
    def content(self) -> list[str]:
        return content_words(self.words)

    @cached_property
    def stems(self) -> set[str]:
        return {w[:STEM] for w in self.content}

    @cached_property
    def tokens(self) -> set[str]:
        if self.given_tokens is not None:
            return self.given_tokens
        s = self.sub
        hosts = self.hosts
        if s.url:
            url_host = textfeatures.link_host(s.url)
            hosts = list(dict.fromkeys([url_host, *hosts])) if url_host else hosts
        # The links of the whole body are those of the prefix read, unless it was cut.
        n = self.n_links if len(s.text or "") <= textfeatures.MAX_CHARS else None
        return textfeatures.tokens_from(self.raw, self.cased, self.words, hosts, s.url, n)

    @cached_property
    def shingles(self) -> set[int]:
        return duplicates.shingles_of(self.words)

    @cached_property
    def prose(self) -> str:
        """The text with its web addresses taken out (the letters of a URL are no language)."""
        if not (self.hosts or self.n_links):
            return self.cased
        return textfeatures.without_links(self.cased)

    @cached_property
    def prose_words(self) -> list[str]:
        if self.prose is self.cased:
            return self.words
        return textfeatures.words(self.prose.lower())

    @cached_property
    def script_and_language(self) -> tuple[str | None, str | None]:
        return langid.detect(self.prose, self.prose_words[:400])

    # --- links --------------------------------------------------------------------------
    @cached_property
    def n_links(self) -> int:
        """Links in the body (not the website field), all of them (not only the prefix)."""
        return textfeatures.count_links(self.sub.text)

    @cached_property
    def hosts(self) -> list[str]:
        """Hosts of the body's links and bare domains ("invalid" for unparseable ones)."""
        if "." not in self.raw:
            return []
        return textfeatures.link_domains(self.raw)

    @cached_property
    def body_hosts(self) -> list[str]:
        return [h for h in self.hosts if h != "invalid"]

    @cached_property
    def url_host(self) -> str | None:
        host = textfeatures.link_host(self.sub.url or "")
        return None if host == "invalid" else host

    @cached_property
    def anchors(self) -> list[str]:
        """The visible texts of the body's HTML links."""
        if "<a" not in self.raw.lower():
            return []
        out = []
        for m in _ANCHOR_RE.finditer(self.raw):
            out.append(" ".join(_TAG_RE.sub(" ", m.group(1)).split()))
        return out

    @cached_property
    def asks(self) -> bool:
        """Asks the reader for something, or gives a way to reach the writer (a link, a
        website, an address, a phone number): what any advert needs."""
        if self.n_links or self.body_hosts or self.url_host or "@" in self.cased:
            return True
        return promotion.asks(self.cased) or bool(_PHONE_DIGITS_RE.search(self.cased))

    @property
    def has_link(self) -> bool:
        return bool(self.n_links or self.body_hosts or self.url_host)

    @property
    def short(self) -> bool:
        """A few words and no link: what honest readers write most ("Thanks, very helpful!")."""
        return len(self.words) <= SHORT_WORDS and not self.has_link

    # --- the post and the blog ------------------------------------------------------------
    @property
    def has_post(self) -> bool:
        return bool(self.sub.post_title.strip() or self.sub.post_text.strip())

    @cached_property
    def post(self) -> tuple[frozenset, str | None, str | None]:
        if not self.has_post:
            return frozenset(), None, None
        return post_view(self.sub.post_title, self.sub.post_text[: textfeatures.MAX_CHARS])

    @property
    def post_stems(self) -> frozenset:
        return self.post[0]

    @cached_property
    def post_language(self) -> str:
        """The post's language: as given, else detected from its text, else the site's."""
        given = (self.sub.post_language or "").split("-")[0].lower()
        return given or self.post[2] or site_language()

    @cached_property
    def languages(self) -> frozenset:
        """Languages a comment here may be in without remark: the post's and the blog's."""
        key = (self.post_language, site_language(), self.blog_languages)
        found = _LANGUAGES.get(key)
        if found is None:  # (one set per post language, not one per comment)
            if len(_LANGUAGES) > 256:  # a file may name any number of languages
                _LANGUAGES.clear()
            found = _LANGUAGES[key] = frozenset({key[0], key[1], *key[2]})
        return found

    # --- the commenter ------------------------------------------------------------------
    @cached_property
    def returning(self) -> bool:
        email = (self.sub.email or "").strip()
        return bool(email) and bool(self.is_returning(email))

    @property
    def known(self) -> bool:
        """The post's author, staff, a registered user or a returning commenter."""
        s = self.sub
        return s.by_post_author or s.trusted_user or s.registered or self.returning
