"""Which script and language a short text is written in: Unicode ranges and stopwords.

Comment spam in another script (Cyrillic, Han, Arabic, Hangul...) is told apart by its
letters alone; among Latin-script languages a few dozen of each language's commonest words
(and its own letters: ß, ã, ğ, ạ...) name the language of all but the shortest comments. That
is all the spam signals need, costs no memory or start-up time, and says "unknown" rather than
guess when a text gives too little to go on.

(``lingua-language-detector`` was the candidate; for the two questions asked here, "which
script" and "one of a dozen Latin languages or unknown", stopwords do the job without a model
in every web worker.)
"""

from __future__ import annotations

import re
from collections import Counter

READ = 2000  # characters looked at

# Letter ranges per script (the common blocks; anything else alphabetic is "other").
_RANGES = [
    (0x0041, 0x024F, "Latin"),
    (0x1E00, 0x1EFF, "Latin"),  # Latin Extended Additional (Vietnamese)
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x08A0, 0x08FF, "Arabic"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x3130, 0x318F, "Hangul"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0x3040, 0x30FF, "Kana"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xF900, 0xFAFF, "Han"),
]
_RANGES.sort()

SCRIPT_NAMES = {"Han": "Chinese characters", "Kana": "Japanese kana", "Hangul": "Korean"}

# Languages by the script they are written in (for a post or blog language code).
SCRIPT_OF_LANGUAGE = {
    "ru": "Cyrillic", "uk": "Cyrillic", "bg": "Cyrillic", "sr": "Cyrillic", "el": "Greek",
    "he": "Hebrew", "ar": "Arabic", "fa": "Arabic", "ur": "Arabic", "hi": "Devanagari",
    "th": "Thai", "ko": "Hangul", "ja": "Kana", "zh": "Han", "ka": "Georgian",
    "hy": "Armenian", "bn": "Bengali",
}  # fmt: skip
LANGUAGE_OF_SCRIPT = {
    "Cyrillic": "ru", "Greek": "el", "Hebrew": "he", "Arabic": "ar", "Devanagari": "hi",
    "Thai": "th", "Hangul": "ko", "Kana": "ja", "Han": "zh", "Georgian": "ka",
    "Armenian": "hy", "Bengali": "bn",
}  # fmt: skip

NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "pt": "Portuguese",
    "it": "Italian", "nl": "Dutch", "tr": "Turkish", "id": "Indonesian", "vi": "Vietnamese",
    "pl": "Polish", "sv": "Swedish", "ru": "Russian", "uk": "Ukrainian", "el": "Greek",
    "he": "Hebrew", "ar": "Arabic", "hi": "Hindi", "th": "Thai", "ko": "Korean",
    "ja": "Japanese", "zh": "Chinese", "fa": "Persian", "bg": "Bulgarian",
}  # fmt: skip

# The commonest words of each Latin-script language, thanks and greetings included (a
# comment is often only "Danke!"). Words shared by several languages count for each.
_STOPWORDS = {
    "en": "the and to of a in is it you that for this was with on are have be not but my "
    "your i me we they what how thanks thank great nice post very just so can do did if "
    "would there about from will all one has been too really or at our",
    "de": "der die das und ist nicht ich du es ein eine zu mit auf für den dem sich auch "
    "wie bei mir wir sie noch nur hat habe danke vielen dank schön sehr gut aber oder was "
    "kann wenn schon dass mein funktioniert leider gibt",
    "fr": "le la les de des et est un une je tu il pas que qui pour dans sur avec ce mais "
    "merci beaucoup très bien aussi mon ma vous nous ça du au est ai plus tout fait "
    "cette depuis",
    "es": "el la los las de y que en un una es no por con para muy gracias pero lo su se "
    "como mi mas también esto está hay bueno",
    "pt": "o a os as de do da dos das e que em um uma é não por com para muito obrigado "
    "obrigada mas se no na meu minha também isso está fiz ficou vou bom ótimo",
    "it": "il lo la gli le di e che un una è non per con grazie molto ma mi sono anche "
    "questo come della del ho",
    "nl": "de het een en van is dat niet ik je op te met voor zijn maar ook bedankt dank "
    "wel heel goed dit er",
    "tr": "ve bir bu için ile de da çok ne ama en daha gibi olarak hemen ucuz satın al "
    "hizmet sitemizi siteleri burada iyi teşekkürler",
    "id": "yang dan di ke dari untuk dengan ini itu tidak ada cara anda kami sekarang "
    "bisa atau juga terima kasih murah terbaik jual hanya tanpa hari",
    "vi": "và của là có không cho với các được một những trong này người đã khi để "
    "nhanh uy tín ngay nhất",
    "pl": "i w nie na się to jest że z do jak dla ale co tak dziękuję bardzo",
    "sv": "och att det är som en på för med inte jag har tack mycket",
}
_WORD_LANGS: dict[str, list[str]] = {}
for _lang, _words in _STOPWORDS.items():
    for _w in _words.split():
        _WORD_LANGS.setdefault(_w, []).append(_lang)

# Letters that (almost) only one language of the list uses.
_LETTERS = {
    "ß": "de", "ä": "de", "ö": "de", "ü": "de", "ã": "pt", "õ": "pt", "ç": "fr",
    "ğ": "tr", "ş": "tr", "ı": "tr", "ñ": "es", "ą": "pl", "ę": "pl", "ł": "pl", "ż": "pl",
    "đ": "vi", "ơ": "vi", "ư": "vi", "ạ": "vi", "ả": "vi", "ấ": "vi", "ầ": "vi", "ẩ": "vi",
    "ậ": "vi", "ắ": "vi", "ặ": "vi", "ẹ": "vi", "ẻ": "vi", "ế": "vi", "ề": "vi", "ể": "vi",
    "ệ": "vi", "ỉ": "vi", "ị": "vi", "ọ": "vi", "ỏ": "vi", "ố": "vi", "ồ": "vi", "ổ": "vi",
    "ộ": "vi", "ớ": "vi", "ờ": "vi", "ở": "vi", "ợ": "vi", "ụ": "vi", "ủ": "vi", "ứ": "vi",
    "ừ": "vi", "ử": "vi", "ữ": "vi", "ự": "vi", "ỳ": "vi", "ỷ": "vi",
}  # fmt: skip
_WORD_RE = re.compile(r"[^\W\d_]+")


def script_of(char: str) -> str | None:
    """The script of one letter (None for a character that is not a letter)."""
    if not char.isalpha():
        return None
    code = ord(char)
    lo, hi = 0, len(_RANGES) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        start, end, name = _RANGES[mid]
        if code < start:
            hi = mid - 1
        elif code > end:
            lo = mid + 1
        else:
            return name
    return "other"


_SCRIPT_RES = {}
for _start, _end, _name in _RANGES:
    _SCRIPT_RES.setdefault(_name, []).append(f"{chr(_start)}-{chr(_end)}")
_SCRIPT_RES = {name: re.compile(f"[{''.join(parts)}]") for name, parts in _SCRIPT_RES.items()}
_TWO_ASCII_LETTERS = re.compile(r"[A-Za-z][^A-Za-z]*[A-Za-z]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def scripts(text: str) -> Counter:
    """Letters per script in the first ``READ`` characters (one scan per script, in C)."""
    head = text[:READ]
    found = Counter()
    if head.isascii():
        if _TWO_ASCII_LETTERS.search(head):
            found["Latin"] = 2  # (only "which script" matters for ASCII text)
        return found
    for name, pattern in _SCRIPT_RES.items():
        n = len(pattern.findall(head))
        if n:
            found[name] = n
    found.pop("Latin", None)
    n = len(_LATIN_RE.findall(head))
    if n:
        found["Latin"] = n
    return found


def main_script(text: str) -> str | None:
    """The script of most letters, or None for a text with fewer than two letters."""
    found = scripts(text)
    if sum(found.values()) < 2:
        return None
    return found.most_common(1)[0][0]


def _second(item):
    return item[1]


def latin_language(text: str, words=None) -> str | None:
    """The Latin-script language of ``text`` (a code of ``_STOPWORDS``), or None if unsure.

    ``words``: the text's lower-cased words, when the caller has them already."""
    head = text[:READ].lower()
    votes = {}  # (a plain dict: a Counter costs more than the counting here)
    get = _WORD_LANGS.get
    for found in filter(None, map(get, _WORD_RE.findall(head) if words is None else words)):
        for lang in found:
            votes[lang] = votes.get(lang, 0) + 1
    if not head.isascii():
        for c in set(head).intersection(_LETTERS):
            lang = _LETTERS[c]
            votes[lang] = votes.get(lang, 0) + 0.5 * head.count(c)
    if not votes:
        return None
    # the two most votes, the first counted first on a tie (as Counter.most_common)
    (best, n), *rest = sorted(votes.items(), key=_second, reverse=True)[:2] + [(None, 0)]
    runner_up = rest[0][1]
    if n < 1 or n <= runner_up:
        return None
    return best


def detect(text: str, words=None) -> tuple[str | None, str | None]:
    """``(script, language)`` of ``text``; either may be None when the text says too little."""
    script = main_script(text)
    if script == "Latin":
        return script, latin_language(text, words)
    if script == "Han" and any(script_of(c) == "Kana" for c in text[:READ]):
        return "Kana", "ja"
    return script, LANGUAGE_OF_SCRIPT.get(script)


def script_for_language(code: str) -> str:
    return SCRIPT_OF_LANGUAGE.get(code, "Latin")


def language_name(code: str | None) -> str:
    return NAMES.get(code or "", code or "an unknown language")


def script_name(script: str) -> str:
    return SCRIPT_NAMES.get(script, script)
