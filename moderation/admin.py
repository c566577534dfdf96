from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from comments.admin import CommentAdmin
from comments.models import Comment
from comments.operations import can_moderate

from . import operations
from .models import BlockRule, Decision, FilterTotals, HeldComment, Policy


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never edited: the decision log and the filter's totals are written by the site."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionInline(admin.TabularInline):
    """The comment's decision log, newest first (usable on any Comment admin)."""

    model = Decision
    fk_name = "comment"
    fields = ("created_at", "from_status", "to_status", "actor_label", "reason", "score")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "decision log"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _moderate(action, description):
    def run(modeladmin, request, queryset):
        changed = operations.moderate(queryset, action, request.user)
        modeladmin.message_user(request, f"{changed} comment(s): {description.lower()}.")

    run.__name__ = f"moderate_{action}"
    return admin.action(description=description, permissions=["change"])(run)


def _block(kind, description):
    def run(modeladmin, request, queryset):
        changed, added, refused = operations.block_and_spam(queryset, kind, request.user)
        blocked = ", ".join(added) or "no new rule"
        modeladmin.message_user(request, f"{changed} comment(s) marked spam; blocked: {blocked}.")
        for refusal in refused:
            modeladmin.message_user(request, refusal, messages.WARNING)

    run.__name__ = f"block_{kind}"
    return admin.action(description=description, permissions=["change"])(run)


class WaitingStatusFilter(admin.SimpleListFilter):
    """Only the states this list can hold (approved and removed comments are never here)."""

    title = "status"
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return [(Comment.Status.PENDING, "Held"), (Comment.Status.SPAM, "Spam")]

    def queryset(self, request, queryset):
        value = self.value()
        return (
            queryset.filter(status=value) if value in dict(self.lookups(None, None)) else queryset
        )


@admin.register(HeldComment)
class HeldCommentAdmin(admin.ModelAdmin):
    """Held and spam comments as rows, for searching and browsing the spam; the daily work is
    the moderation queue (``moderation.views``), where this list's plain URL leads."""

    list_display = ("excerpt", "name", "post", "status", "score_shown", "why", "created_at")
    list_filter = (WaitingStatusFilter,)
    list_select_related = ("post", "page")
    search_fields = ("name", "email", "body", "ip_address")
    ordering = ("-created_at",)
    date_hierarchy = None
    # A held comment's own page reads as a record: linked, in words; it is changed from the
    # queue (or this list's actions), so it offers no Save button that would do nothing.
    fields = ("on", "replying_to", "status", "name", "email", "url", "ip_address", "body",
              "score_shown", "why", "created_at")  # fmt: skip
    readonly_fields = fields
    inlines = [DecisionInline]
    actions = [
        _moderate("approve", "Approve"),
        _moderate("spam", "Mark as spam"),
        _moderate("remove", "Remove"),
        _block("domain", "Spam and block their link domains"),
        _block("ip", "Spam and block their IP addresses"),
        _moderate("pending", "Back to the queue (undo)"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).waiting()

    def changelist_view(self, request, extra_context=None):
        """The old queue's URL (plain, or filtered to the held ones) opens the new queue."""
        held_only = dict(request.GET.items()) in ({}, {"status__exact": Comment.Status.PENDING})
        if request.method == "GET" and held_only and can_moderate(request.user):
            return redirect("admin:moderation_queue")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        no_buttons = {"show_save": False, "show_save_and_continue": False,
                      "show_save_and_add_another": False, "show_delete": False}  # fmt: skip
        return super().change_view(
            request, object_id, form_url, {**no_buttons, **(extra_context or {})}
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # purge_spam deletes; the queue only changes states

    @admin.display(description="on")
    def on(self, obj):
        target = obj.target
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), target)

    @admin.display(description="in reply to")
    def replying_to(self, obj):
        if obj.parent is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>: {}',
            obj.parent.get_absolute_url(),
            obj.parent.name,
            Truncator(obj.parent.body).chars(200),
        )

    @admin.display(description="comment")
    def excerpt(self, obj):
        return Truncator(obj.body).chars(100)

    @admin.display(description="score", ordering="score")
    def score_shown(self, obj):
        return "–" if obj.score is None else f"{obj.score:.0%} likely spam"

    @admin.display(description="why")
    def why(self, obj):
        return format_html_join(mark_safe("<br>"), "{}", ((r,) for r in obj.reasons or []))


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    fieldsets = (
        ("Comments", {"fields": ("comments_allowed", "comment_access", "close_after_days",
                                 "max_depth")}),
        ("Moderation", {"fields": ("moderate", "moderate_after_days", "auto_approve_returning",
                                   "link_limit", "duplicate_action")}),
        ("Captcha", {"fields": ("captcha_anonymous", "captcha_skip_returning")}),
        ("Spam filter", {"fields": ("hold_threshold", "spam_threshold")}),
    )  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """One row: go straight to it (for those who may see it)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        policy = Policy.load()
        if policy._state.adding:
            policy.save()
        return redirect("admin:moderation_policy_change", policy.pk)


@admin.register(BlockRule)
class BlockRuleAdmin(admin.ModelAdmin):
    list_display = ("value", "kind", "action", "hits", "last_hit_at", "note")
    list_filter = ("kind", "action")
    search_fields = ("value", "note")
    readonly_fields = ("hits", "last_hit_at", "created_at", "created_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "comment_link", "from_status", "to_status", "actor_label",
                    "reason_short", "score")  # fmt: skip
    list_filter = ("to_status", "from_status")
    search_fields = ("label", "reason", "actor_label")
    date_hierarchy = "created_at"

    @admin.display(description="comment")
    def comment_link(self, obj):
        if obj.comment_id is None:
            return obj.label
        url = reverse("admin:comments_comment_change", args=[obj.comment_id])
        return format_html('<a href="{}">{}</a>', url, obj.label)

    @admin.display(description="reason")
    def reason_short(self, obj):
        return Truncator(obj.reason).chars(120)


@admin.register(FilterTotals)
class FilterTotalsAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "spam_tokens", "ham_tokens", "trained_at")


# The comment's own admin page shows its decision log too.
admin.site.unregister(Comment)


@admin.register(Comment)
class CommentWithDecisionsAdmin(CommentAdmin):
    inlines = [*CommentAdmin.inlines, DecisionInline]
