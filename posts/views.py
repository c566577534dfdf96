from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.text import slugify
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from posts import oldurls
from posts.links import absolute_url
from posts.models import Label, Page, Post

POSTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


class PublishedPostsMixin:
    """Every reader view lists posts through ``Post.objects.published()``."""

    paginate_by = POSTS_PER_PAGE
    date_field = "published_at"

    def get_queryset(self):
        return Post.objects.published().for_listing()


class PostIndexView(PublishedPostsMixin, ListView):
    template_name = "posts/post_list.html"

    def get(self, request, *args, **kwargs):
        # WordPress's /?p=N, /?page_id=N and /?cat=N links, recorded by import_wordpress
        for name in ("p", "page_id", "cat"):
            if request.GET.get(name, "").isdecimal():
                old_path = f"/?{name}={request.GET[name]}"
                target = recorded_redirect(request, old_path)
                if target:
                    return redirect(target, permanent=True)
        return super().get(request, *args, **kwargs)


class PostYearArchiveView(PublishedPostsMixin, YearArchiveView):
    make_object_list = True


class PostMonthArchiveView(PublishedPostsMixin, MonthArchiveView):
    month_format = "%m"


class PostDetailView(DetailView):
    """One post. Staff may preview drafts and scheduled posts on the real template."""

    def get_queryset(self):
        posts = Post.objects.select_related("author").prefetch_related("tags")
        user = self.request.user
        return posts.published() | posts.editable_by(user) if user.is_staff else posts.published()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        date = self.object.url_date
        if (kwargs["year"], kwargs["month"]) != (str(date.year), f"{date.month:02d}"):
            url = self.object.get_absolute_url()
            if request.META.get("QUERY_STRING"):
                url += "?" + request.META["QUERY_STRING"]
            return redirect(url, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        newer, older = Post.objects.neighbours(self.object)
        return super().get_context_data(newer=newer, older=older, **kwargs)


class TagView(PublishedPostsMixin, ListView):
    template_name = "posts/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Label, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SearchView(PublishedPostsMixin, ListView):
    template_name = "posts/search.html"
    canonical_params = ("q", "page")

    def get_queryset(self):
        self.query = " ".join(self.request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
        if not self.query:
            return Post.objects.none()
        return search_posts(super().get_queryset(), self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


def search_posts(posts, query):
    """Full-text search with ranking on PostgreSQL; every word must appear elsewhere."""
    if connection.vendor == "postgresql":
        vector = SearchVector("title", weight="A") + SearchVector("summary", "body", weight="B")
        search = SearchQuery(query, search_type="websearch")
        return (
            posts.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "-published_at")
        )
    for word in query.split()[:20]:
        posts = posts.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return posts


class PageView(DetailView):
    template_name = "posts/page_detail.html"

    def get_queryset(self):
        return Page.objects.all() if self.request.user.is_staff else Page.objects.published()


def recorded_redirect(request, old_path=None):
    """A redirect an import recorded for this old path (the request's, canonical), if any."""
    return oldurls.recorded_redirect(old_path or oldurls.request_path(request))


def blogger_post_redirect(request, year, month, slug):
    """Blogger's ``/2014/03/slug.html`` permalinks: an imported redirect, else the slug."""
    target = recorded_redirect(request)
    if target is None:
        target = get_object_or_404(Post.objects.published(), slug=slug).get_absolute_url()
    return redirect(target, permanent=True)


def blogger_page_redirect(request, slug):
    target = recorded_redirect(request) or reverse("posts:page", kwargs={"slug": slug})
    return redirect(target, permanent=True)


def blogger_label_redirect(request, label):
    """Blogger's ``/search/label/<label>``: labels are names (as in the label feed)."""
    tag = Label.objects.filter(name__iexact=label).first()
    if tag is None:  # no such name: perhaps a tag whose slug it gives
        tag = Label(slug=slugify(label, allow_unicode=True))
    url = tag.get_absolute_url()
    if not url:
        raise Http404("No such label.")
    return redirect(url, permanent=True)


def favicon(request):
    """Browsers ask for ``/favicon.ico`` whatever the page links: send them to ours."""
    return redirect(static("favicon.png"), permanent=True)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /markdownx/",
        "Disallow: /captcha/",
        "Disallow: /comments/",
        "Disallow: /moderation/",
        "Disallow: /search/",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
