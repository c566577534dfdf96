from django.apps import AppConfig


class FederationConfig(AppConfig):
    """Conversation from the open web: Webmention and ActivityPub, through one moderation."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "federation"
    verbose_name = "Open web"

    def ready(self):
        from federation.activitypub import admin, signal_handlers  # noqa: F401 (registers)
