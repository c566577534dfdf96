from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .models import FailedJob
from .retry import retry_failed


@admin.register(FailedJob)
class FailedJobAdmin(admin.ModelAdmin):
    """Failed background jobs: what failed, why, and a Retry button."""

    list_display = ("task_name", "arguments", "error", "first_attempt_at", "failed_at", "retry")
    list_filter = ("task_path",)
    readonly_fields = [f.name for f in FailedJob._meta.fields]
    actions = ["retry_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a record of what failed; prune_tasks drops it after 30 days

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self.has_retry_permission(request)

    def has_retry_permission(self, request):
        return request.user.has_perm("jobs.retry_failedjob")

    @admin.display(description="task")
    def task_name(self, job):
        return job.task_path.rsplit(".", 1)[-1]

    @admin.display(description="arguments")
    def arguments(self, job):
        text = ", ".join(map(repr, job.args[:3]))
        return text[:80] + ("…" if len(text) > 80 else "")

    @admin.display(description="")
    def retry(self, job):
        if job.retried_at:
            return f"retried {job.retried_at:%Y-%m-%d %H:%M}"
        # submits the changelist's own form (it carries the CSRF token) to the retry URL
        return format_html(
            '<button type="submit" class="button" formaction="{}">Retry</button>',
            reverse("admin:jobs_failedjob_retry", args=[job.pk]),
        )

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.retry_view))
        return [path("<int:pk>/retry/", view, name="jobs_failedjob_retry"), *super().get_urls()]

    def retry_view(self, request, pk):
        if not self.has_retry_permission(request):
            raise PermissionDenied
        job = get_object_or_404(FailedJob, pk=pk)
        retry_failed(job)
        self.message_user(request, f"{self.task_name(job)} queued again.", messages.SUCCESS)
        return redirect("admin:jobs_failedjob_changelist")

    @admin.action(description="Retry the selected jobs", permissions=["retry"])
    def retry_selected(self, request, queryset):
        jobs = list(queryset.filter(retried_at__isnull=True))
        for job in jobs:
            retry_failed(job)
        self.message_user(request, f"{len(jobs)} job(s) queued again.", messages.SUCCESS)
