"""Comment feeds at the site's root: the lead's urlconf does ``path("", include("comments.feed_urls"))``."""

from django.urls import path, re_path

from comments import feeds

urlpatterns = [
    path("feeds/comments/", feeds.LatestCommentsFeed(), name="comments-feed"),
    path("feeds/comments/rss/", feeds.LatestCommentsRssFeed(), name="comments-feed-rss"),
    path("feeds/comments/default", feeds.blogger_comments_feed),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<slug>[^/]+)/comments/feed/$",
        feeds.PostCommentsFeed(),
        name="post-comments-feed",
    ),
    path("p/<str:slug>/comments/feed/", feeds.PageCommentsFeed(), name="page-comments-feed"),
]
