"""How much the comment is about the post: words it shares with the post's title and text.

Sharing the post's own subject words ("scrub", "ARC", "starter") is evidence of a reader; it
also lets an honest comment outweigh a clumsy word in it. Words are compared by their first
letters, so "tomates" meets "tomatoes". Praise and stopwords do not count as sharing, and a
comment with no post to compare with gets no evidence either way.
"""

from . import Evidence
from .context import STEM
from .praise import PRAISE_WORDS

ABOUT = -1.0
SOMEWHAT = -0.5


class Relevance:
    name = "relevance"

    def check(self, ctx):
        if not ctx.has_post:
            return []
        words = [w for w in ctx.content if w not in PRAISE_WORDS]
        shared = list(dict.fromkeys(w for w in words if w[:STEM] in ctx.post_stems))
        if not shared:
            return []
        shown = ", ".join(f"'{w}'" for w in shared[:3])
        if len(shared) >= 2:
            return [Evidence(self.name, ABOUT, f"about the post ({shown})")]
        return [Evidence(self.name, SOMEWHAT, f"mentions the post's subject ({shown})")]
