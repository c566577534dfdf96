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
