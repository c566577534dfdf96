from django.conf import settings
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from blogsite import prepared
from blogsite.cached import get_or_compute
from posts import pagecache
from posts.models import BlogSettings, Label, Page, Post

CHROME = ("menu_pages", "sidebar_html")


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
    site's content version: a cold post page after a new comment reads none of it again. The
    sidebar is kept rendered (a month's link is a reverse() and two date filters, a long-lived
    blog has hundreds)."""
    version = pagecache.content_version(request)
    key = f"posts:chrome:2:{settings.TIME_ZONE}:{get_language()}:{version}"
    return get_or_compute(key, _chrome, 3600, "sidebar")


def _chrome():
    """Three queries, each compiled once per process (``blogsite.prepared``)."""
    now = timezone.now()
    zone = str(timezone.get_current_timezone())  # the months' SQL names it
    sidebar = {
        "archive_years": archive_years(prepared.rows(_months, (zone,), [now])),
        "popular_tags": popular_tags(now),
    }
    return {
        "menu_pages": [Page.from_db(DB, MENU_FIELDS, row) for row in prepared.rows(_menu)],
        "sidebar_html": render_to_string("posts/_sidebar.html", sidebar),
    }


DB = "default"
MENU_FIELDS = ("id", "title", "slug")
TAG_FIELDS = ("id", "name", "slug")


def _menu():
    return Page.objects.published().filter(show_in_menu=True).values_list(*MENU_FIELDS)


def _months(zone, now):
    return Post.objects.published(now).archive_months()


def _tags(now):
    published = Post.objects.published(now)
    return (
        Label.objects.filter(posts_taggedpost_items__content_object__in=published)
        .annotate(count=Count("posts_taggedpost_items"))
        .order_by("-count", "name")
        .values_list(*TAG_FIELDS, "count")[:30]
    )


def archive_years(months):
    """``[(year, count, [(month, count)])]`` newest first, from ``archive_months()``."""
    years = {}
    for month, count in months:
        years.setdefault(month.year, []).append((month, count))
    return [(year, sum(n for _, n in ms), ms) for year, ms in years.items()]


def popular_tags(now=None):
    """The 30 labels with the most published posts, each with its ``count``."""
    tags = []
    for *row, count in prepared.rows(_tags, values=[now or timezone.now()]):
        tag = Label.from_db(DB, TAG_FIELDS, row)
        tag.count = count
        tags.append(tag)
    return tags
