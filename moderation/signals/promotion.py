"""Self-promotion: a comment that asks the readers to subscribe, follow, like, or visit the
writer's own channel or site.

It needs no link: "check out my channel", "sub me", "like this comment if you're watching in
2015", "follow 4 follow" promote the writer, not the conversation. Telling what one did
oneself ("I subscribed", "I'll share this with my students", "I wrote about it on my blog")
is not asking anything, and is no sign of spam.
"""

import re

from . import Evidence

ASKS_TO_SUBSCRIBE = 2.0
ASKS_FOR_LIKES = 2.0
VISIT_MINE = 1.0  # a hint: readers do point to their own write-up

_START = r"(?:^|[.!?:;,]\s*|\b(?:please|pls|plz|and|guys|everyone|pls\.)\s+)"
_SUBSCRIBE = re.compile(
    _START + r"(?:subscribe|subscribirse|suscr[ií]bete|sub)\b(?!-)(?:\s+(?:to|on))?"
    r"(?:\s+(?:me|us|if)\b|\s+(?:my|our)(?:\s+(?:channel|page|blog|videos?|account|site))?\b)?"
    r"|\b(?:sub|subscribe|follow|like)\s*(?:4|for)\s*(?:sub|subscribe|follow|like)\b"
    r"|\b(?:subscribe|follow|sub)\s+(?:to\s+)?(?:me|my\s+(?:channel|page|blog|account))\b"
    r"|\bsubscri\w*\s+(?:a|à|al)\s+(?:mi|mon|meu)\s+(?:canal|cha[iî]ne)\b"
    r"|\b(?:abonnez|abonniert|inscreva)"
    # misspelt ("suscribe", "subcribe"), asked politely, or asked as a favour
    r"|\b(?:please|pls|plz)\s+(?:su(?:b)?s?cri(?:be|bers?)|sub)\b"
    r"|\bif\s+you\s+(?:could|would|can|will)\s+(?:\w+\s+)?(?:subscribe|sub|follow)\b"
    r"|\b(?:be(?:come)?|am)\s+my\s+(?:\w+\s+)?(?:subscriber|follower)s?\b"
    r"|\b(?:reach|get\s+(?:me|it)\s+to|help\s+me\s+(?:get|reach))\s+\d[\d,.]*k?\s+"
    r"(?:subscribers|subs|followers)\b"
    r"|\b(?:subscribe|sub|follow)\s+back\b"
    r"|\bfollow\s+(?:this|my|our)\s+(?:channel|page|account|stream)\b",
    re.IGNORECASE,
)
_LIKES = re.compile(
    _START + r"like\s+(?:this\s+(?:comment|post)\s+)?"
    r"(?:if|for|so)\b|\blike\s+this\s+comment\b|\b(?:like|share)\s+and\s+(?:subscri\w*|share)\b"
    r"|\bgive\s+(?:it|this|me|us)\s+a\s+(?:like|thumbs\s+up)\b",
    re.IGNORECASE,
)
_VISIT_MINE = re.compile(
    r"\b(?:check(?:\s+out)?|visit|watch|see|search(?:\s+for)?|look\s+at|go\s+to)\s+(?:out\s+)?"
    r"(?:my|our)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:channel|videos?|music|songs?|cover|rap|blog|site|website|page|profile|account|shop|"
    r"store|work|art|playlist|youtube|vids|stuff|beats|tracks)\b",
    re.IGNORECASE,
)


# What spam wants of the reader, in any words: a plea, an order to act (at the start of a
# clause: "check out…", "visit…", "type…"), an act on the writer's things ("share this",
# "help me"), or the writer's own channel, music, shop or cause. An honest comment may ask too
# ("please post part 2"); one that asks nothing has no way to deliver an advert.
_ASK_START = r"(?:^|[.!?:;,()*\n-]\s*|\b(?:and|so|guys|everyone|everybody|people|now|just|also)\s+)"
_ASKS = re.compile(
    r"\b(?:please|pls|plz|kindly|pleas)\b"
    r"|" + _ASK_START + r"(?:check|visit|watch|listen|look|go|search|google|type|share|vote|help|"
    r"join|download|install|subscribe|sub|follow|click|read|support|donate|add|message|contact|"
    r"call|text|e-?mail|sign|register|buy|order|get|win|earn|try|send|dm|hit|give)\b"
    r"|\b(?:check|visit|watch|listen\s+to|look\s+at|search|share|vote\s+for|help|join|"
    r"download|support|follow|click|subscribe\s+to)\s+(?:out\s+)?(?:my|our|me|us|this|it\s+out|"
    r"here|the\s+link)\b"
    r"|\b(?:my|our)\s+(?:\w+\s+)?(?:channel|videos?|vids|songs?|music|mixtape|covers?|page|blog|"
    r"site|website|app|project|playlist|account|profile|art|album|demo|tracks?|beats|band|"
    r"business|company|shop|store|book|stream|vlog|game|cause|campaign|petition|group|"
    r"fanpage|rap|remix(?:es)?|single)\b"
    r"|\bcheck\s+(?:(?:it|this|them|'?em|him|her|me|us)\s+)?out\b"
    r"|\bsearch\s+(?:for|on|up)\b|\bdo\s+a\s+search\b|\bgoogle\s+(?:it|search)\b"
    r"|\b(?:earn|make|making|win)\s+(?:\w+\s+)?(?:money|cash|dollars|prizes?)\b"
    r"|\b(?:a|my|our|new)\s+(?:\w+\s+)?channel\b"
    r"|\bthumbs?\s+up\s+(?:if|for)\b"
    # subscribe, subscribers, misspelt ("sucscribe"); not the reader's own "subscribed"
    r"|\bsu\w{0,3}cri[bp](?!ed\b|ing\b)\w*|\bsubs\b|\bsub4sub\b|\bf4f\b",
    re.IGNORECASE,
)


def asks(text: str) -> bool:
    """Does the comment ask the reader for something (see ``_ASKS``)?"""
    return bool(_ASKS.search(text))


class Promotion:
    name = "promotion"

    def check(self, ctx):
        text = ctx.plain
        # Cheap tests first: most comments hold none of these words.
        if (
            "sub" in text
            or "follow" in text
            or "suscr" in text
            or "abonn" in text
            or "inscrev" in text
            or "scri" in text
        ) and (m := _SUBSCRIBE.search(text)):
            shown = " ".join(m.group(0).strip(" .!?:;,").split())
            reason = f"asks readers to subscribe or follow ('{shown}')"
            return [Evidence(self.name, ASKS_TO_SUBSCRIBE, reason)]
        if ("like" in text or "thumbs" in text) and (m := _LIKES.search(text)):
            shown = " ".join(m.group(0).strip(" .!?:;,").split())
            return [Evidence(self.name, ASKS_FOR_LIKES, f"asks for likes ('{shown}')")]
        if ("my " in text or "our " in text) and (m := _VISIT_MINE.search(text)):
            shown = " ".join(m.group(0).split())
            reason = f"promotes the writer's own site ('{shown}')"
            return [Evidence(self.name, VISIT_MINE, reason)]
        return []
