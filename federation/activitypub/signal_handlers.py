"""A post that becomes visible, changes or goes away is told to followers (``sync_post``,
queued on commit). Saving posts inside ``posts.models.quietly()`` (imports, ``seed_demo``)
tells no one; the importer writes in bulk and sends no signals at all."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from federation.publishing import was_announced
from posts.models import Post, announcing

from . import enabled
from .delivery import sync_post


def _watching():
    return enabled() and announcing()


@receiver(post_save, sender=Post, dispatch_uid="activitypub-post-saved")
def post_saved(sender, instance, raw=False, **kwargs):
    if raw or not _watching():
        return
    # what the post was before: read once per save, by federation.publishing.remember_before
    may_create = not was_announced(instance) and instance.announced_at is not None
    post_id = instance.pk
    transaction.on_commit(lambda: sync_post.enqueue(post_id, may_create))


@receiver(post_delete, sender=Post, dispatch_uid="activitypub-post-deleted")
def post_deleted(sender, instance, **kwargs):
    if not _watching():
        return
    post_id = instance.pk
    transaction.on_commit(lambda: sync_post.enqueue(post_id, False))
