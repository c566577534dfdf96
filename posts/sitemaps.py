from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from posts.links import site_host, site_scheme
from posts.models import Page, Post


class SiteSitemap(Sitemap):
    """Locations on ``SITE_URL``, not on the request's scheme and the Sites framework's row."""

    def get_protocol(self, protocol=None):
        return site_scheme()

    def get_domain(self, site=None):
        return site_host()


class PostSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return Post.objects.published().only("slug", "published_at", "created_at", "updated_at")

    def lastmod(self, post):
        return post.updated_at


class PageSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.published()

    def lastmod(self, page):
        return page.updated_at


class HomeSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["posts:index"]

    def location(self, name):
        return reverse(name)


sitemaps = {"home": HomeSitemap, "posts": PostSitemap, "pages": PageSitemap}
