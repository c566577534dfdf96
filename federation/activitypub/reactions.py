"""Likes and boosts of a post or a page: counted apart from comments, shown small under it.

The counts are cached under the target's comment version (``comments_changed_at``), which
every like, boost and undo moves on (``touch``, the comments app's own version bump), so the
post page's caches (the thread, the JSON-LD, a whole-page cache keyed on that version) never
show an old count, and a warm page reads nothing for them."""

from blogsite.cached import get_or_compute
from comments.models import touch_pages, touch_posts
from posts.models import Page

from .documents import reaction_counts

VERSION = 1  # bump when what is cached changes shape


def touch(targets):
    """Move the comment version (and recount) of each post or page in ``targets``."""
    posts = [t.pk for t in targets if not isinstance(t, Page)]
    pages = [t.pk for t in targets if isinstance(t, Page)]
    if posts:
        touch_posts(posts)
    if pages:
        touch_pages(pages)


def cached_counts(target):
    """``{"like": n, "announce": m}`` for ``target``: from the cache while its comment version
    stands, else one query."""
    kind = "page" if isinstance(target, Page) else "post"
    key = f"reactions:{VERSION}:{kind}:{target.pk}:{target.comments_changed_at.timestamp()}"
    return get_or_compute(key, lambda: reaction_counts(target), 24 * 3600, "reaction counts")


def _count(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(counts):
    """ "3 likes · 1 boost from the fediverse"; "" when there are none."""
    parts = [
        _count(counts[kind], word)
        for kind, word in (("like", "like"), ("announce", "boost"))
        if counts.get(kind)
    ]
    return f"{' · '.join(parts)} from the fediverse" if parts else ""
