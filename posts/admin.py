from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from taggit.admin import TagAdmin
from taggit.forms import MergeTagsForm
from taggit.models import Tag

from posts.editor import EditorWidget
from posts.forms import PostForm
from posts.models import BlogSettings, Label, Page, Post


def is_editor(user):
    return user.has_perm("posts.publish_post")


class LabelFilter(admin.RelatedFieldListFilter):
    """The tags filter, called what readers see: labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "labels"


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostForm
    list_display = ("title", "author", "state", "published_at", "tag_list", "comment_count")
    list_filter = ("status", "author", ("tags", LabelFilter), "published_at")
    list_select_related = ("author",)
    search_fields = ("title", "body", "summary")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    actions = ("publish", "unpublish")
    fieldsets = (
        (None, {"fields": ("title", "slug", "body", "tags")}),
        (
            "Publish",
            {
                "classes": ("publish-box",),
                "fields": ("publish", "publish_at", "allow_comments", "author"),
            },
        ),
        ("Advanced options", {"classes": ("collapse",), "fields": ("summary", "body_format")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags").editable_by(request.user)

    def get_readonly_fields(self, request, obj=None):
        return () if is_editor(request.user) else ("author",)

    def get_list_filter(self, request):
        if is_editor(request.user):
            return self.list_filter
        return ("status", ("tags", LabelFilter), "published_at")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def _may_edit(self, request, obj):
        return obj is None or is_editor(request.user) or obj.author_id == request.user.pk

    def save_model(self, request, obj, form, change):
        if not change and not getattr(obj, "author_id", None):
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="State", ordering="status")
    def state(self, post):
        if post.is_scheduled:
            return "Scheduled"
        return post.get_status_display()

    @admin.display(description="Labels")
    def tag_list(self, post):
        return ", ".join(tag.name for tag in post.tags.all())

    @admin.action(
        description="Publish selected posts now (scheduled ones keep their time)",
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        now = timezone.now()
        count = 0
        for post in queryset.exclude(status=Post.Status.PUBLISHED):
            post.status = Post.Status.PUBLISHED
            post.published_at = post.published_at or now
            post.save()
            count += 1
        self.message_user(request, f"Published {count} post(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected posts (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = 0
        for post in queryset.filter(status=Post.Status.PUBLISHED):
            post.status = Post.Status.DRAFT
            post.save()
            count += 1
        self.message_user(request, f"Moved {count} post(s) back to draft.", messages.SUCCESS)

    def has_publish_permission(self, request):
        return is_editor(request.user)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "is_published", "show_in_menu", "updated_at")
    list_filter = ("is_published",)
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
    fields = (
        "title",
        "slug",
        "body",
        "is_published",
        "show_in_menu",
        "allow_comments",
        "body_format",
    )
    formfield_overrides = {Page._meta.get_field("body").__class__: {"widget": EditorWidget}}


@admin.register(BlogSettings)
class BlogSettingsAdmin(admin.ModelAdmin):
    list_display = ("title", "description")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not BlogSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


# taggit's admin lets any staff member merge tags (its action declares no permission and its
# merge view checks none): only those who may change and delete tags (Editors) may.
admin.site.unregister(Tag)


@admin.register(Tag)
class BlogTagAdmin(TagAdmin):
    @admin.action(description="Merge selected labels", permissions=["change", "delete"])
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def merge_tags_view(self, request):
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        selected = request.session.get("selected_tag_ids", "").split(",")
        if not all(tag_id.isascii() and tag_id.isdigit() for tag_id in selected):
            return redirect("admin:taggit_tag_changelist")  # nothing chosen: a 500 in taggit
        form = MergeTagsForm(request.POST) if request.method == "POST" else None
        if form and form.is_valid():  # taggit would make the new tag with an empty slug
            Label.objects.get_or_create(name=form.cleaned_data["new_tag_name"])
        return super().merge_tags_view(request)
