from django.contrib import admin

from federation.models import IncomingWebmention, SentWebmention

# --- Webmention -------------------------------------------------------------------------------


class ReadOnly(admin.ModelAdmin):
    """A record of what happened: moderators read it; the comments it made are moderated in
    the queue like any other."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # deleting the post deletes them


@admin.register(IncomingWebmention)
class IncomingWebmentionAdmin(ReadOnly):
    list_display = ("source", "target", "state", "kind", "detail", "received_at")
    list_filter = ("state", "kind")
    search_fields = ("source", "target")
    date_hierarchy = "received_at"


@admin.register(SentWebmention)
class SentWebmentionAdmin(ReadOnly):
    list_display = ("target", "post", "linked", "endpoint", "status", "sent_at", "error")
    list_filter = ("linked", "status")
    search_fields = ("target", "endpoint")
    list_select_related = ("post",)


# --- end of Webmention ------------------------------------------------------------------------
