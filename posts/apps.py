from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self):
        from posts import pagecache  # noqa: F401 (its signal receivers move the version on)

        name_tags_labels()
        post_migrate.connect(deployed, sender=self, dispatch_uid="posts.deployed")


def deployed(using="default", **kwargs):
    """``migrate``, which every deploy runs, moves the reader pages' version on: pages cached
    by the old code (in Redis, shared) are not served by the new."""
    from posts import pagecache
    from posts.models import SiteVersion

    if SiteVersion.objects.using(using).exists():
        pagecache.content_changed()


def name_tags_labels():
    """taggit's tags are what readers see as labels: the admin says so too ("Labels ›
    Labels", not "Taggit › Tags"). Only the display names change: ``original_attrs``, which
    migrations compare, stay taggit's, so no migration follows."""
    from taggit.models import Tag

    apps.get_app_config("taggit").verbose_name = "Labels"
    Tag._meta.verbose_name = "label"
    Tag._meta.verbose_name_plural = "labels"
