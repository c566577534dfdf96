from django.urls import path, re_path

from posts import feeds, views

app_name = "posts"

YEAR, MONTH, SLUG = r"(?P<year>[0-9]{4})", r"(?P<month>[0-9]{2})", r"(?P<slug>[^/]+)"

urlpatterns = [
    path("", views.PostIndexView.as_view(), name="index"),
    re_path(rf"^{YEAR}/{MONTH}/{SLUG}\.html$", views.blogger_post_redirect),
    re_path(rf"^{YEAR}/{MONTH}/{SLUG}/$", views.PostDetailView.as_view(), name="detail"),
    re_path(rf"^{YEAR}/{MONTH}/$", views.PostMonthArchiveView.as_view(), name="month"),
    re_path(rf"^{YEAR}/$", views.PostYearArchiveView.as_view(), name="year"),
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("tag/<str:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/label/<str:label>", views.blogger_label_redirect),
    re_path(rf"^p/{SLUG}\.html$", views.blogger_page_redirect),
    path("p/<str:slug>/", views.PageView.as_view(), name="page"),
    path("feeds/posts/", feeds.LatestPostsAtomFeed(), name="feed"),
    path("feeds/posts/rss/", feeds.LatestPostsFeed(), name="feed-rss"),
    path("feeds/posts/default", feeds.blogger_posts_feed),
    path("feeds/posts/default/-/<str:label>", feeds.BloggerLabelFeed()),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", views.robots_txt, name="robots"),
]
