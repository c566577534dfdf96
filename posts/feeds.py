from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from posts.links import absolute_url
from posts.models import BlogSettings, Label, Post

FEED_SIZE = 20


def with_feed_content(posts):
    """The posts, each with ``feed_html``: its full rendered HTML when the blog's feeds carry
    the full post (the default), else None (the feed then carries the summary)."""
    full = BlogSettings.load().feeds_full_content
    posts = list(posts)
    for post in posts:
        post.feed_html = post.body_html if full else None
    return posts


class RssWithHub(Rss201rev2Feed):
    """RSS naming the WebSub hub (``WEBSUB_HUB``), when there is one, beside its self link."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if settings.WEBSUB_HUB:
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": settings.WEBSUB_HUB})


class AtomWithContent(Atom1Feed):
    """Atom with each entry's full post in ``<content type="html">`` beside its summary, and
    the WebSub hub when there is one."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if settings.WEBSUB_HUB:
            handler.addQuickElement("link", "", {"rel": "hub", "href": settings.WEBSUB_HUB})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class SiteFeed(Feed):
    """A feed whose links, ids and own URL are on ``SITE_URL`` whatever the request's Host:
    syndication puts the Sites framework's domain before a path, but leaves an absolute URL
    as it is. Subclasses' ``link`` return ``absolute_url(...)`` too."""

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        if not self._get_dynamic_attr("feed_url", obj):
            feed.feed["feed_url"] = absolute_url(request.path)
        return feed


class LatestPostsFeed(SiteFeed):
    """The newest posts, as RSS."""

    feed_type = RssWithHub

    def title(self):
        return BlogSettings.load().title

    def description(self):
        return BlogSettings.load().description

    def link(self):
        return absolute_url(reverse("posts:index"))

    def items(self):
        return with_feed_content(Post.objects.published().for_listing()[:FEED_SIZE])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.feed_html or item.description

    def item_author_name(self, item):
        return item.author.get_full_name() or item.author.get_username()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = AtomWithContent
    subtitle = LatestPostsFeed.description

    def item_description(self, item):
        return item.description

    def item_extra_kwargs(self, item):
        return {"content": item.feed_html}


class TagFeed(LatestPostsAtomFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Label, slug=slug)

    def title(self, tag):
        return f"{BlogSettings.load().title}: {tag.name}"

    def link(self, tag):
        return absolute_url(tag.get_absolute_url() or reverse("posts:index"))

    def items(self, tag):
        posts = Post.objects.published().filter(tags=tag).for_listing()[:FEED_SIZE]
        return with_feed_content(posts)


class BloggerLabelFeed(TagFeed):
    """Blogger's ``/feeds/posts/default/-/<label>``: labels are names, not slugs."""

    def get_object(self, request, label):
        return get_object_or_404(Label, name__iexact=label)


def blogger_posts_feed(request):
    """Blogger's ``/feeds/posts/default`` (Atom, or RSS with ``?alt=rss``)."""
    feed = LatestPostsFeed() if request.GET.get("alt") == "rss" else LatestPostsAtomFeed()
    return feed(request)
