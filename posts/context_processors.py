from django.conf import settings
from django.db.models import Count
from django.utils.functional import SimpleLazyObject

from blogsite.cached import get_or_compute
from posts import pagecache
from posts.models import BlogSettings, Label, Page, Post

CHROME = ("menu_pages", "archive_years", "popular_tags")


def blog(request):
    """The blog's settings, menu and sidebar, read only if a template uses them."""
    chrome = SimpleLazyObject(lambda: site_chrome(request))
    return {
        "blog": SimpleLazyObject(lambda: blog_settings(request)),
        **{name: SimpleLazyObject(lambda name=name: chrome[name]) for name in CHROME},
    }


def blog_settings(request):
    """The settings row, read with the page cache's version query (no query of its own)."""
    return pagecache.singleton(request, BlogSettings) or BlogSettings.load()


def site_chrome(request):
    """What every reader page shows around its content (three queries), cached under the
    site's content version: a cold post page after a new comment reads none of it again."""
    key = f"posts:chrome:{settings.TIME_ZONE}:{pagecache.content_version(request)}"
    return get_or_compute(key, _chrome, 3600, "sidebar")


def _chrome():
    return {
        "menu_pages": list(
            Page.objects.published().filter(show_in_menu=True).only("title", "slug")
        ),
        "archive_years": archive_years(Post.objects.published().archive_months()),
        "popular_tags": popular_tags(),
    }


def archive_years(months):
    """``[(year, count, [(month, count)])]`` newest first, from ``archive_months()``."""
    years = {}
    for month, count in months:
        years.setdefault(month.year, []).append((month, count))
    return [(year, sum(n for _, n in ms), ms) for year, ms in years.items()]


def popular_tags():
    published = Post.objects.published()
    return list(
        Label.objects.filter(posts_taggedpost_items__content_object__in=published)
        .annotate(count=Count("posts_taggedpost_items"))
        .order_by("-count", "name")[:30]
    )
