"""Where the links go: shops and adverts, or references; words in the link text.

Honest links point at documentation, a university, a guideline; spam links point at a site
whose very name sells something (``cheap-garden-supplies.shop``, ``jordan9.us.com``), often
with keywords as the link text, or sit only in the website field under a comment that says
nothing. A profile page on the comment platform (blogger.com/profile/…) is neither.
"""

import re

from . import Evidence
from .context import STEM, content_words

COMMERCIAL = 1.2
COMMERCIAL_MAX = 2.4
REFERENCE = -0.6
KEYWORD_ANCHOR = 0.8
KEYWORD_ANCHOR_MAX = 1.6
LINK_ALONE = 1.0  # a hint: with another sign it holds
SAYS_NOTHING = 2  # content words at most, besides the link

# Parts of host names that sell (matched inside the name: "cheapjordans", "redbottomshoes").
_SELLING = re.compile(
    r"shop|store|deal|cheap|buy|sale|outlet|discount|coupon|casino|bet(?:ting)?s?\b|slot|"
    r"poker|loan|credit|kredit|pharma|pills|viagra|cialis|essay|writing|seo|backlink|escort|"
    r"replica|jersey|jordan|yeezy|pandora|louboutin|shoes|jewel|handbag|review|best|top-|"
    r"hire|agency|service|repair|plumb|roof|dental|rental|movers|packers|lawyer|insurance|"
    r"forex|signals|recovery|dumps|toto|togel|gacor|bahis|diplom|kupit|takipci|jasa|"
    r"kredit|pinjaman|vay|nhacai|dichvu|thietke|muktu|remont|prava|hotel|flight|tours|"
    r"travel|cars|laptop|hosting|drivers|apartment|logistik|expresslogistik|"
    r"mixers|tripod|plants|seeds|wedding|landscap|advisor|academy|admission|detox|"
    r"emagrecer|weight|smtp-relay|vpn|studio|solutions|pro\b|deals",
    re.IGNORECASE,
)
_SELLING_TLDS = (
    ".shop", ".store", ".xyz", ".top", ".online", ".site", ".club", ".buzz", ".loan",
    ".win", ".bid", ".review", ".us.com", ".us.org", ".com.co", ".travel", ".deals",
)  # fmt: skip
_REFERENCE = re.compile(
    r"(?:^|\.)(?:[\w-]+\.)?(?:edu|ac\.[a-z]{2}|edu\.[a-z]{2}|gov|gov\.[a-z]{2}|gouv\.fr|"
    r"wikipedia\.org|wikimedia\.org|github\.com|github\.io|gitlab\.com|readthedocs\.io|"
    r"stackoverflow\.com|stackexchange\.com|debian\.org|ubuntu\.com|python\.org|"
    r"djangoproject\.com|mozilla\.org|w3\.org|kernel\.org|arxiv\.org|doi\.org|nih\.gov|"
    r"who\.int|nhs\.uk|bmj\.com|thelancet\.com|nature\.com|archlinux\.org|bbc\.co\.uk|"
    r"europa\.eu|openzfs\.github\.io|rhs\.org\.uk|umn\.edu)$"
)
_PROFILES = re.compile(
    r"(?:^|\.)(?:blogger\.com|blogspot\.com|wordpress\.com|gravatar\.com|livejournal\.com|"
    r"google\.com|github\.com|twitter\.com|x\.com|mastodon\.social|facebook\.com)$"
)
_URL_TEXT = re.compile(r"^(?:https?://|www\.)|\.\w{2,6}(?:/|$)", re.IGNORECASE)


def selling(host: str) -> bool:
    if _PROFILES.search(host) or _REFERENCE.search(host):
        return False
    name = host.removeprefix("www.")
    return bool(_SELLING.search(name)) or name.endswith(_SELLING_TLDS)


class Links:
    name = "links"

    def check(self, ctx):
        out = []
        hosts = list(dict.fromkeys([*ctx.body_hosts, *([ctx.url_host] if ctx.url_host else [])]))
        sellers = [h for h in hosts if selling(h)]
        if sellers:
            weight = min(COMMERCIAL_MAX, COMMERCIAL * len(sellers))
            where = (
                "website"
                if sellers == [ctx.url_host] and ctx.url_host not in ctx.body_hosts
                else "link"
            )
            out.append(
                Evidence(
                    self.name,
                    weight,
                    f"{where} to a site that sells ({sellers[0].removeprefix('www.')})",
                )
            )
        elif ctx.body_hosts and all(_REFERENCE.search(h) for h in ctx.body_hosts):
            out.append(
                Evidence(self.name, REFERENCE, f"links to a reference ({ctx.body_hosts[0]})")
            )
        if ctx.body_hosts and not all(_REFERENCE.search(h) for h in ctx.body_hosts):
            said = content_words(ctx.prose_words)
            if len(said) <= SAYS_NOTHING:
                host = ctx.body_hosts[0].removeprefix("www.")
                out.append(Evidence(self.name, LINK_ALONE, f"a link with nothing said ({host})"))
        keyword = [
            a for a in ctx.anchors
            if len(a.split()) >= 2 and not _URL_TEXT.search(a)
            and not any(w.lower()[:STEM] in ctx.post_stems for w in a.split() if len(w) > 3)
        ]  # fmt: skip
        if keyword:
            weight = min(KEYWORD_ANCHOR_MAX, KEYWORD_ANCHOR * len(keyword))
            out.append(Evidence(self.name, weight, f"keywords as link text ('{keyword[0][:40]}')"))
        return out
