from captcha import urls as captcha_urls
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from blogsite import password_reset
from comments.views import captcha_audio, captcha_refresh
from federation.feeds import json_feed
from federation.webmention_views import webmention
from posts.sitemaps import sitemaps
from posts.uploads import serve_media

# django-simple-captcha's URLs, its refresh view rate-limited (each call makes a challenge row).
# Its audio view answers 404 rather than crash where flite is not installed.
captcha_patterns = [
    re_path(r"^refresh/$", captcha_refresh, name="captcha-refresh"),
    re_path(r"^audio/(?P<key>\w+).wav$", captcha_audio, name="captcha-audio"),
    *(p for p in captcha_urls.urlpatterns if p.name not in ("captcha-refresh", "captcha-audio")),
]

urlpatterns = [
    *password_reset.urlpatterns,  # staff password reset by email
    path("admin/", admin.site.urls),
    path("markdownx/", include("posts.editor_urls")),
    path("captcha/", include(captcha_patterns)),
    path("comments/", include("comments.urls")),
    path("moderation/", include("moderation.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("", include("comments.feed_urls")),
    path("webmention/", webmention, name="webmention"),
    path("feeds/posts/json", json_feed, name="json-feed"),
    # ActivityPub: WebFinger, NodeInfo, /ap/actor, inbox, outbox, followers (FEDERATION=1)
    path("", include("federation.activitypub.urls")),
    # 404 unless SERVE_MEDIA (read per request, so browser tests can turn it on)
    path("media/<path:path>", serve_media, name="media"),
    path("", include("posts.urls")),
    path("", include("posts.wordpress_urls")),
]

handler500 = "blogsite.errors.server_error"
