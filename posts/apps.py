from django.apps import AppConfig, apps


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self):
        from posts import pagecache  # noqa: F401 (its signal receivers move the version on)

        name_tags_labels()


def name_tags_labels():
    """taggit's tags are what readers see as labels: the admin says so too ("Labels ›
    Labels", not "Taggit › Tags"). Only the display names change: ``original_attrs``, which
    migrations compare, stay taggit's, so no migration follows."""
    from taggit.models import Tag

    apps.get_app_config("taggit").verbose_name = "Labels"
    Tag._meta.verbose_name = "label"
    Tag._meta.verbose_name_plural = "labels"
