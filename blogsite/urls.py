from captcha import urls as captcha_urls
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from comments.views import captcha_refresh
from posts.sitemaps import sitemaps

# django-simple-captcha's URLs, its refresh view rate-limited (each call makes a challenge row).
captcha_patterns = [
    re_path(r"^refresh/$", captcha_refresh, name="captcha-refresh"),
    *(p for p in captcha_urls.urlpatterns if p.name != "captcha-refresh"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("markdownx/", include("posts.editor_urls")),
    path("captcha/", include(captcha_patterns)),
    path("comments/", include("comments.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("", include("comments.feed_urls")),
    path("", include("posts.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler500 = "blogsite.errors.server_error"
