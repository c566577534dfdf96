"""Approved comments as feeds: site-wide, per post or page, and Blogger's
``/feeds/comments/default``."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from comments.models import Comment
from posts.feeds import SiteFeed
from posts.links import absolute_url
from posts.models import BlogSettings, Page, Post

FEED_SIZE = 30


def _published_comments():
    return (
        Comment.objects.approved()
        .filter(Q(post__in=Post.objects.published()) | Q(page__in=Page.objects.published()))
        .select_related("post", "page")
        .order_by("-created_at", "-id")
    )


class LatestCommentsFeed(SiteFeed):
    feed_type = Atom1Feed

    def title(self):
        return f"{BlogSettings.load().title}: comments"

    def link(self):
        return absolute_url(reverse("posts:index"))

    def items(self):
        return _published_comments()[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.name} on {item.target.title}"

    def item_description(self, item):
        return item.body_html

    def item_author_name(self, item):
        return item.name

    def item_author_link(self, item):
        return item.safe_url or None

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class LatestCommentsRssFeed(LatestCommentsFeed):
    feed_type = Rss201rev2Feed
    description = "The newest comments."


class PostCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, year, month, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post):
        return f"Comments on {post.title}"

    def link(self, post):
        return absolute_url(post.get_absolute_url())

    def items(self, post):
        return _published_comments().filter(post=post)[:FEED_SIZE]


class PageCommentsFeed(PostCommentsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Page.objects.published(), slug=slug)

    def items(self, page):
        return (
            Comment.objects.approved()
            .filter(page=page)
            .select_related("page")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )


def blogger_comments_feed(request):
    """Blogger's ``/feeds/comments/default`` (Atom, or RSS with ``?alt=rss``)."""
    feed = LatestCommentsRssFeed() if request.GET.get("alt") == "rss" else LatestCommentsFeed()
    return feed(request)
