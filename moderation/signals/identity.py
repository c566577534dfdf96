"""Does the name name a person? A web address or a string of keywords as the name is an advert.

"Anonymous" and "Unknown" (what Blogger shows for a reader without a profile) are no sign of
anything; nor is a single first name or a nickname.
"""

import re

from .. import textfeatures
from . import Evidence
from .links import selling
from .offers import _ORG, offer_phrases

ADDRESS_AS_NAME = 2.0
KEYWORDS_AS_NAME = 1.5
COMPANY_AS_NAME = 1.0

_ADDRESS = re.compile(
    r"(?:https?://|www\.)|\.(?:com|net|org|info|biz|ru|io|co|shop|store|xyz|top|online|site)\b",
    re.IGNORECASE,
)
_COMPANY = re.compile(r"\b(?:" + _ORG + r")\b", re.IGNORECASE)
_KEYWORD = re.compile(
    r"\b(?:best|cheap|buy|deals?|reviews?|online|services?|company|development|seo|"
    r"marketing|loans?|casino|shop|store|sale|discount|price|hosting|repair|supplies|"
    r"flights?|hotels?|outsourcing|agency|training|coaching|course|machine|escort|"
    r"recovery|support|help|essay|writers?)\b",
    re.IGNORECASE,
)


class Identity:
    name = "identity"

    def check(self, ctx):
        name = " ".join(textfeatures._clean(ctx.sub.author or "").split())[:100]
        if not name:
            return []
        if _ADDRESS.search(name):
            return [Evidence(self.name, ADDRESS_AS_NAME, f"a web address as the name ('{name}')")]
        words = name.split()
        lowered = name.lower()
        host = ctx.url_host or ""
        in_host = (
            len(words) >= 2
            and host
            and all(w.lower() in host.replace("-", "") for w in words if len(w) > 2)
        )
        keywordy = (
            len(words) >= 2
            and (_KEYWORD.search(lowered) or offer_phrases(textfeatures.words(lowered)))
            and not _COMPANY.search(lowered)
        )
        if keywordy or (in_host and selling(host)):
            return [Evidence(self.name, KEYWORDS_AS_NAME, f"keywords as the name ('{name}')")]
        if len(words) >= 2 and _COMPANY.search(lowered):
            return [Evidence(self.name, COMPANY_AS_NAME, f"a company as the name ('{name}')")]
        return []
