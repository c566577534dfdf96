from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve

from posts.sitemaps import sitemaps

urlpatterns = [
    path("admin/", admin.site.urls),
    path("markdownx/", include("posts.editor_urls")),
    path("captcha/", include("captcha.urls")),
    path("comments/", include("comments.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("", include("comments.feed_urls")),
    path("", include("posts.urls")),
    path("", include("posts.wordpress_urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler500 = "blogsite.errors.server_error"
