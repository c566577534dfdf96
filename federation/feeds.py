"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) beside the Atom and RSS feeds: the same
posts, the same full-or-summary choice."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.html import escape

from posts.feeds import FEED_SIZE
from posts.links import absolute_url
from posts.models import BlogSettings, Post

VERSION = "https://jsonfeed.org/version/1.1"


def author_of(post):
    return {"name": post.author.get_full_name() or post.author.get_username()}


def json_feed(request):
    blog = BlogSettings.load()
    items = []
    for post in Post.objects.published().for_listing()[:FEED_SIZE]:
        # the full post or its summary, as the Atom and RSS feeds (posts.feeds)
        post.feed_html = post.body_html if blog.feeds_full_content else None
        url = absolute_url(post.get_absolute_url())
        item = {
            "id": url,
            "url": url,
            "title": post.title,
            "content_html": post.feed_html or f"<p>{escape(post.description)}</p>",
            "summary": post.description,
            "date_published": post.published_at.isoformat(),
            "date_modified": post.updated_at.isoformat(),
            "tags": [tag.name for tag in post.tags.all()],
            "authors": [author_of(post)],
        }
        if post.image:
            item["image"] = absolute_url(post.image)
        items.append(item)
    feed = {
        "version": VERSION,
        "title": blog.title,
        "home_page_url": absolute_url(reverse("posts:index")),
        "feed_url": absolute_url(reverse("json-feed")),
        "description": blog.description,
        "language": settings.LANGUAGE_CODE,
        "items": items,
    }
    if settings.WEBSUB_HUB:
        feed["hubs"] = [{"type": "WebSub", "url": settings.WEBSUB_HUB}]
    return JsonResponse(
        feed,
        content_type="application/feed+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
