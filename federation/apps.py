from django.apps import AppConfig
from django.db.models.signals import post_save, pre_delete, pre_save


class FederationConfig(AppConfig):
    """Conversation from the open web: Webmention and ActivityPub, through one moderation."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "federation"
    verbose_name = "Open web"

    def ready(self):
        from federation import publishing
        from federation.activitypub import admin, signal_handlers  # noqa: F401 (registers)
        from posts.models import Post

        pre_save.connect(publishing.remember_before, sender=Post, dispatch_uid="fed-before")
        post_save.connect(publishing.announce, sender=Post, dispatch_uid="fed-announce")
        pre_delete.connect(publishing.tell_deleted, sender=Post, dispatch_uid="fed-deleted")
