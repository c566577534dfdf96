"""The fediverse in the admin: who follows the blog, likes and boosts, cached accounts.
Read-mostly: rows come from remote servers; deleting one is allowed (it is ours to forget)."""

from django.contrib import admin

from federation.models import Follower, Reaction, RemoteActor


class ReadOnly(admin.ModelAdmin):
    """Every field read-only (what a remote server said is not ours to edit)."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        hidden = set(self.exclude or ())
        return [f.name for f in self.model._meta.fields if f.name not in hidden]


@admin.register(Follower)
class FollowerAdmin(ReadOnly):
    list_display = ("actor", "created_at")
    list_select_related = ("actor",)
    search_fields = ("actor__actor_id", "actor__preferred_username", "actor__domain")


@admin.register(Reaction)
class ReactionAdmin(ReadOnly):
    list_display = ("kind", "post", "page", "actor", "created_at")
    list_filter = ("kind",)
    list_select_related = ("actor", "post", "page")


@admin.register(RemoteActor)
class RemoteActorAdmin(ReadOnly):
    list_display = ("__str__", "name", "domain", "fetched_at")
    search_fields = ("actor_id", "preferred_username", "name", "domain")
    exclude = ("public_key_pem",)
