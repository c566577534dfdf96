"""What counts as visible text in a commenter's name or comment."""

import unicodedata

# Letters and symbols that draw nothing (Hangul fillers, the braille blank): favourites for
# blank-looking names.
BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Format characters (zero-width space and joiners, word joiner, BOM, bidi controls, tag
# characters), controls and separators.
EDGE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
# ... and combining marks, which show nothing without a letter to sit on.
INVISIBLE_CATEGORIES = EDGE_CATEGORIES | {"Mn", "Me"}


def _edge(char):
    return (
        char in BLANK_CHARACTERS or char.isspace() or unicodedata.category(char) in EDGE_CATEGORIES
    )


def strip_invisible(text):
    """``text`` without invisible characters at either end. Combining marks stay: at the end
    they belong to the letter before them."""
    start, end = 0, len(text)
    while start < end and _edge(text[start]):
        start += 1
    while end > start and _edge(text[end - 1]):
        end -= 1
    return text[start:end]


def has_visible(text):
    """Does ``text`` show anything at all?"""
    return any(
        char not in BLANK_CHARACTERS
        and not char.isspace()
        and unicodedata.category(char) not in INVISIBLE_CATEGORIES
        for char in text
    )
