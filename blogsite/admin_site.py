"""The admin site: titled with the blog's name, a writer's home page as its index, and its
login throttled per account and per address (``logins.throttle``)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.template.response import TemplateResponse

from blogsite.clientip import client_ip


class BlogAdminSite(admin.AdminSite):
    index_title = "Home"
    HELD_ON_HOME = 5

    def each_context(self, request):
        from posts.models import BlogSettings

        context = super().each_context(request)
        title = BlogSettings.cached_title()
        context.update(site_header=title, site_title=f"{title} admin")
        return context

    def index(self, request, extra_context=None):
        """The app list, after what a writer comes for: New post, their drafts, the posts
        scheduled, and (for those who moderate) the newest comments waiting."""
        from comments.models import Comment
        from comments.operations import can_moderate
        from posts.editor import writer_home

        home = writer_home(request.user)
        if can_moderate(request.user):
            home["held"] = list(
                Comment.objects.filter(status=Comment.Status.PENDING)
                .select_related("post", "page")
                .order_by("-created_at")[: self.HELD_ON_HOME]
            )
        return super().index(request, {**home, **(extra_context or {})})

    def get_urls(self):
        """The admin's own URLs, after the screens of our own (the moderators' queue)."""
        from moderation import views as moderation_views

        return [*moderation_views.urls(self), *super().get_urls()]

    def login(self, request, extra_context=None):
        from logins import throttle  # this module is loaded with the app registry

        if request.method != "POST":
            return super().login(request, extra_context)
        username, address = request.POST.get("username", ""), client_ip(request)
        locked = throttle.lockout(username, address)
        if locked:
            return self.login_locked(request, locked)
        response = super().login(request, extra_context)
        if response.status_code == 302:
            throttle.record_success(username, address)
        else:
            throttle.record_failure(username, address)
        return response

    def login_locked(self, request, locked):
        """429 with the time to wait, in the admin's own look."""
        context = {**self.each_context(request), "title": "Login paused", "lockout": locked}
        response = TemplateResponse(request, "admin/login_locked.html", context, status=429)
        response["Retry-After"] = str(locked.seconds)
        return response


class BlogAdminConfig(AdminConfig):
    default_site = "blogsite.admin_site.BlogAdminSite"

    def ready(self):
        super().ready()
        from blogsite import production  # noqa: F401 (registers the project's deploy checks)
