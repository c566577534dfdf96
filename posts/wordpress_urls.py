"""WordPress's URL shapes at the site's root, for links to a blog imported from WordPress
(after ``posts.urls``, so blogsite's own URLs come first)."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from posts import oldurls


def moved(name):
    return RedirectView.as_view(pattern_name=name, permanent=True, query_string=False)


urlpatterns = [
    re_path(r"^category/(?P<path>.+)/$", oldurls.wordpress_category),
    path("author/<str:name>/", oldurls.wordpress_author),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[^/]+)/$",
        oldurls.wordpress_dated_post,
    ),
    path("feed/", moved("posts:feed-rss")),
    path("feed/rss2/", moved("posts:feed-rss")),
    path("feed/atom/", moved("posts:feed")),
    path("comments/feed/", moved("comments-feed-rss")),
]
