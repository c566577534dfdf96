from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from posts.models import BlogSettings, Label, Post

FEED_SIZE = 20


class LatestPostsFeed(Feed):
    """The newest posts, as RSS."""

    def title(self):
        return BlogSettings.load().title

    def description(self):
        return BlogSettings.load().description

    def link(self):
        return reverse("posts:index")

    def items(self):
        return Post.objects.published().for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body_html

    def item_author_name(self, item):
        return item.author.get_full_name() or item.author.get_username()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description


class TagFeed(LatestPostsAtomFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Label, slug=slug)

    def title(self, tag):
        return f"{BlogSettings.load().title}: {tag.name}"

    def link(self, tag):
        return tag.get_absolute_url() or reverse("posts:index")

    def items(self, tag):
        return Post.objects.published().filter(tags=tag).for_listing()[:FEED_SIZE]


class BloggerLabelFeed(TagFeed):
    """Blogger's ``/feeds/posts/default/-/<label>``: labels are names, not slugs."""

    def get_object(self, request, label):
        return get_object_or_404(Label, name__iexact=label)


def blogger_posts_feed(request):
    """Blogger's ``/feeds/posts/default`` (Atom, or RSS with ``?alt=rss``)."""
    feed = LatestPostsFeed() if request.GET.get("alt") == "rss" else LatestPostsAtomFeed()
    return feed(request)
