from django.db.models import Count
from django.utils.functional import SimpleLazyObject

from posts.models import BlogSettings, Label, Page, Post


def blog(request):
    """The blog's settings and sidebar; each is queried only if a template uses it."""
    return {
        "blog": SimpleLazyObject(BlogSettings.load),
        "menu_pages": SimpleLazyObject(
            lambda: list(Page.objects.published().filter(show_in_menu=True).only("title", "slug"))
        ),
        "archive_years": SimpleLazyObject(
            lambda: archive_years(Post.objects.published().archive_months())
        ),
        "popular_tags": SimpleLazyObject(popular_tags),
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
