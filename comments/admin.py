from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.utils.html import format_html
from django.utils.text import Truncator

from comments import operations
from comments.forms import HttpURLField
from comments.models import Comment, NotificationAddress
from posts.models import Post


def _status_action(status, label):
    def action(modeladmin, request, queryset):
        with transaction.atomic():  # all the selected comments, or none
            changed = sum(
                operations.set_status(comment, status, actor=request.user, reason="admin action")
                for comment in queryset
            )
        modeladmin.message_user(request, f"{changed} comment(s) marked {status}.", messages.SUCCESS)

    action.__name__ = f"mark_{status}"
    return admin.action(description=label, permissions=["change"])(action)


class CommentAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if self.instance.pk is not None:  # where a comment sits is fixed (read-only)
            return data
        post, page, parent = data.get("post"), data.get("page"), data.get("parent")
        if (post is None) == (page is None):
            self.add_error("post", "Choose a post or a page (one of them).")
        elif parent is not None and parent.target != (post or page):
            self.add_error("parent", "The comment replied to must be on the same post.")
        return data


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    list_display = ("name", "excerpt", "target", "status", "created_at", "on_page")
    ordering = ("-created_at",)  # newest first, not thread order
    list_filter = ("status", "kind", "created_at")
    search_fields = ("name", "email", "body", "ip_address", "post__title", "page__title")
    list_select_related = ("post", "page")
    raw_id_fields = ("post", "page", "parent", "user")
    date_hierarchy = "created_at"
    # Staff get the same http(s)-only URL field as visitors (and no Django 6 scheme warning).
    formfield_overrides = {models.URLField: {"form_class": HttpURLField}}
    # where a comment came from (a reply, or a mention from elsewhere) is not for staff to change
    readonly_fields = (
        "kind",
        "depth",
        "ip_address",
        "user_agent",
        "score",
        "reasons",
        "created_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "post",
                    "page",
                    "parent",
                    "status",
                    "kind",
                    "name",
                    "email",
                    "url",
                    "user",
                    "body",
                )
            },
        ),
        (
            "Details",
            {
                "classes": ("collapse",),
                "fields": (
                    "notify",
                    "depth",
                    "ip_address",
                    "user_agent",
                    "score",
                    "reasons",
                    "created_at",
                ),
            },
        ),
    )
    actions = [
        _status_action(Comment.Status.APPROVED, "Approve selected comments"),
        _status_action(Comment.Status.SPAM, "Mark selected comments as spam"),
        _status_action(Comment.Status.REMOVED, "Remove selected comments"),
    ]

    PERSONAL = ("email", "ip_address", "user_agent")

    def get_fieldsets(self, request, obj=None):
        """The commenter's account is never chosen: a comment added here is the staff
        member's own. Personal details only for those who moderate."""
        hidden = {"user"} if obj is None else set()
        if not operations.may_see_commenter_details(request.user):
            hidden.update(self.PERSONAL)
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if operations.may_see_commenter_details(request.user):
            return fields
        return [f for f in fields if f not in self.PERSONAL]

    def lookup_allowed(self, lookup, value, request):
        """No ``?email__startswith=`` guessing game for those who may not see addresses."""
        personal = lookup.split("__")[0] in self.PERSONAL
        if personal and not operations.may_see_commenter_details(request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changeform_initial_data(self, request):
        user = request.user
        return {
            "name": user.get_full_name() or user.get_username(),
            "email": user.email,
            **super().get_changeform_initial_data(request),
        }

    def get_queryset(self, request):
        """Moderators see every comment; authors those on the posts they may edit."""
        comments = super().get_queryset(request)
        if request.user.has_perm("comments.change_comment"):
            return comments
        return comments.filter(post__in=Post.objects.editable_by(request.user))

    def get_readonly_fields(self, request, obj=None):
        # where a comment sits is fixed when it is created (Comment.save)
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "post", "page", "parent", "user") if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        """Nothing a visitor sent is hard-deleted here: remove it (a state), or purge spam."""
        return False

    @admin.display(description="comment")
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description="on the page")
    @admin.display(description="on", ordering="post__title")
    def target(self, obj):
        return obj.target

    def on_page(self, obj):
        return format_html('<a href="{}">view</a>', obj.get_absolute_url())

    def save_model(self, request, obj, form, change):
        """A new comment is the staff member's own; a state change goes through the same
        operation as the actions; edits of the text or the author's details are logged."""
        if not change:
            operations.add_staff_comment(obj, request.user)
            return
        new_status = obj.status
        if "status" in form.changed_data:
            obj.status = form.initial["status"]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            edited = [f for f in form.changed_data if f != "status"]
            if edited:
                operations.record_staff_edit(obj, request.user, edited)
            if new_status != obj.status:
                operations.set_status(
                    obj, new_status, actor=request.user, reason="edited in the admin"
                )


@admin.register(NotificationAddress)
class NotificationAddressAdmin(admin.ModelAdmin):
    list_display = ("email", "confirmed_at", "unsubscribed_at", "confirmation_sent_at")
    search_fields = ("email",)
    readonly_fields = ("confirmed_at", "confirmation_sent_at")
