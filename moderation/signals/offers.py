"""Selling: a phone number or messenger to contact, calls to action, a business's name.

The seed story's "nice post.. i like this blog … avalon University the school of medicine"
carries no link: the name of a school that the post never mentions is the advert. Words the
post itself uses do not count (a post about loans may be discussed with the word "loan").
"""

import re

from . import Evidence
from .context import STEM

PHONE = 1.5
CONTACT = 1.2
OFFER_WORD = 0.5
OFFER_MAX = 2.0
NAME_DROP = 1.8
BEST_IN = 1.2

_PHONE_RE = re.compile(r"(?<![\w/=.-])\+?\(?\d[\d\s().-]{7,18}\d(?![\w/.-])")
_DIGIT_RE = re.compile(r"\d")
_ANY_DIGIT_RE = re.compile(r"\d{4}")
_EMAIL_RE = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+\b")
# A messenger with a number or id to write to ("WhatsApp +1 555 0100", "加QQ 12345678").
_MESSENGERS = re.compile(
    r"(?:\b(?:whats\s?app|wechat|telegram|viber|skype|kakao(?:talk)?|line\s?id|qq)\b|微信|加微|"
    r"QQ)[\s:：,.]{0,3}(?:\w{0,12}\d{4}|[+(]?\d)",
    re.IGNORECASE,
)
_CONTACT_RE = re.compile(
    r"\b(?:contact|call|text|email|mail|reach|message|dm|hubungi|liên hệ|arayın|"
    r"contactez|ligue)\s+(?:us|me|him|her|them|our|kami|ngay|now|today|hemen|\w+@)",
    re.IGNORECASE,
)
# Calls to action and the vocabulary of adverts, in the languages spam comes in with Latin
# letters. Each phrase counts once; only phrases the post does not use count.
_OFFERS = [
    "buy", "order now", "order today", "discount", "cheap", "cheapest", "free shipping",
    "free quote", "for sale", "best price", "best prices", "affordable", "low price",
    "sign up", "register now", "apply now", "deposit", "bonus", "limited offer",
    "hire", "visit our", "visit us", "our services", "our service", "our company",
    "our website", "our site", "our store", "our online", "we offer", "we provide",
    "we are a leading", "leading company", "toll free", "guaranteed", "guarantee", "loan",
    "loans", "casino", "diploma", "essay", "essays", "assignment help", "dissertation",
    "backlink", "backlinks", "seo", "followers", "free trial", "try it free", "coupon",
    "promo code", "outlet", "replica", "wholesale", "online store", "shop online",
    "get your money back", "recovery expert", "free evaluation", "free consultation",
    "same day", "satın al", "ucuz", "hemen", "murah", "jual", "daftar sekarang",
    "pesan", "uy tín", "giá rẻ", "khuyến mãi", "kredit", "sofort", "festpreis",
    "jetzt online", "inscrivez", "compre", "frete grátis", "bonus de bienvenue",
    "gampang menang", "tanpa jaminan", "vay tiền", "thế chấp", "cepat cair",
    "make money", "earn money", "get paid", "work from home", "extra income",
    "passive income", "money online",
]  # fmt: skip
OFFER_PHRASES = frozenset(_OFFERS)
_OFFER_FIRST = frozenset(o.split()[0] for o in _OFFERS)


def offer_phrases(words) -> list[str]:
    """The offer phrases (one to three words) among ``words``, each once, in order."""
    found = []
    if _OFFER_FIRST.isdisjoint(words):  # (most comments: no word that starts an offer)
        return found
    for i, w in enumerate(words):
        if w not in _OFFER_FIRST:
            continue
        for n in (3, 2, 1):
            phrase = " ".join(words[i : i + n])
            if phrase in OFFER_PHRASES and phrase not in found:
                found.append(phrase)
                break
    return found


_ORG = (
    r"university|college|school of medicine|medical school|school|academy|institute|"
    r"packers and movers|movers|services|service|company|ltd|inc|llc|solutions|agency|"
    r"centre|center|clinic|hospital|tours|travels|contractors|consultants|studio|planners|"
    r"healthcare|pharma|marketing|technologies|infotech|enterprises|pvt"
)
# A proper name before an organisation word ("Avalon University", "Royal Packers and
# Movers"), or after one ("School of Medicine of X", "University of X").
_ORG_WORD_RE = re.compile(r"\b(?:" + "|".join(o.split()[-1] for o in _ORG.split("|")) + r")\b")
_NAME_DROP_RE = re.compile(r"\b((?:[A-Za-z][\w'&-]*[ \t]+){1,4}?)(" + _ORG + r")\b", re.IGNORECASE)
_BEST_IN_RE = re.compile(r"\b(?i:best)\b[\w\s-]{2,40}?\b(?:in|near)\s+[A-Z][a-z]{2,}")
_WEAK_NAME_WORDS = {
    "the", "a", "an", "my", "our", "your", "this", "that", "at", "in", "of", "for", "and",
    "to", "from", "best", "top", "good", "great", "nice", "medical", "high", "public",
    "grad", "graduate", "primary", "secondary", "summer", "night", "old", "new", "local",
    "customer", "i", "we", "you", "they", "he", "she", "it", "is", "was", "what", "which",
    "per", "like", "with", "on", "by", "as", "open", "free", "web", "their", "his", "her",
}  # fmt: skip


def _unknown_to_post(words, post_stems) -> bool:
    return not any(w[:STEM] in post_stems for w in words)


class Offers:
    name = "offers"

    def check(self, ctx):
        out = []
        text = ctx.cased
        plain = ctx.plain
        digits = len(_DIGIT_RE.findall(text)) >= 9
        if digits and any(
            sum(c.isdigit() for c in m.group(0)) >= 9 for m in _PHONE_RE.finditer(text)
        ):
            out.append(Evidence(self.name, PHONE, "with a phone number"))
        if (
            _CONTACT_RE.search(text)
            or ("@" in text and _EMAIL_RE.search(text))
            or (_ANY_DIGIT_RE.search(text) and _MESSENGERS.search(text))
        ):
            out.append(Evidence(self.name, CONTACT, "asks to be contacted"))
        post_plain = ctx.post_stems
        offers = [p for p in offer_phrases(ctx.words) if _unknown_to_post(p.split(), post_plain)]
        if offers:
            weight = min(OFFER_MAX, OFFER_WORD * len(offers))
            shown = ", ".join(f"'{o}'" for o in offers[:3])
            out.append(Evidence(self.name, weight, f"sales talk ({shown})"))
        drop = self._name_drop(text, ctx.post_stems) if _ORG_WORD_RE.search(plain) else None
        if drop:
            out.append(
                Evidence(
                    self.name,
                    NAME_DROP,
                    f"names a business or school the post does not mention ('{drop}')",
                )
            )
        elif "best" in plain and (m := _BEST_IN_RE.search(text)):
            out.append(
                Evidence(self.name, BEST_IN, f"an advert ('{' '.join(m.group(0).split())}')")
            )
        return out

    @staticmethod
    def _name_drop(text, post_stems):
        for m in _NAME_DROP_RE.finditer(text):
            words = [w.strip(".,'&-").lower() for w in m.group(1).split()]
            names = [w for w in words if w and w not in _WEAK_NAME_WORDS and len(w) > 1]
            # Only the words right before the organisation word make its name.
            tail = []
            for w in reversed(words):
                if not w or w in _WEAK_NAME_WORDS:
                    break
                tail.insert(0, w)
            capitalised = any(c.isupper() for c in m.group(0))
            if tail and names and capitalised and _unknown_to_post(tail, post_stems):
                return " ".join([*tail, m.group(2).lower()])
            # A proper name written as one, every word capitalised, may hold words that are
            # weak alone ("Oxford International Medical University", "Royal Dental Clinic").
            proper = []
            for w in reversed(m.group(1).split()):
                w = w.strip(".,'&-")
                if not w[:1].isupper():
                    break
                proper.insert(0, w.lower())
            strong = [w for w in proper if w not in _WEAK_NAME_WORDS and len(w) > 1]
            if strong and m.group(2)[:1].isupper() and _unknown_to_post(strong, post_stems):
                return " ".join([*proper, m.group(2).lower()])
        return None
