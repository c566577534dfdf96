from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from comments.moderator import register
        from moderation.moderator import moderator

        register(moderator)
