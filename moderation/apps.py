from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from comments.moderator import register
        from moderation import rules  # noqa: F401 (connects the version's receivers)
        from moderation.moderator import moderator

        register(moderator)
