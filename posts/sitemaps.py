from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from posts.models import Page, Post


class PostSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Post.objects.published().only("slug", "published_at", "created_at", "updated_at")

    def lastmod(self, post):
        return post.updated_at


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.published()

    def lastmod(self, page):
        return page.updated_at


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["posts:index"]

    def location(self, name):
        return reverse(name)


sitemaps = {"home": HomeSitemap, "posts": PostSitemap, "pages": PageSitemap}
