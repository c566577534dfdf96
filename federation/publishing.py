"""What the open web hears when a post becomes visible or changes: Webmentions to the pages it
links to, and a WebSub ping when a hub is configured. Connected to ``Post``'s save signals in
``FederationConfig.ready()`` (posts imports nothing of ours); the work is tasks queued on
commit. Saves inside ``posts.models.quietly()`` (``seed_demo``) and imports (rows written
directly, no signals) send nothing.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from federation import outbound
from federation.webmention_send import (
    send_gone_webmention,
    send_unpublished_webmentions,
    send_webmentions,
    told_targets,
)
from jobs.compat import task
from jobs.retry import retrying
from posts.links import absolute_url
from posts.models import Post, announcing

WATCHED = ("status", "published_at", "announced_at", "title", "body_html")


def remember_before(sender, instance, raw=False, **kwargs):
    """pre_save: keep what the post was (``instance._before_save``, None for a new post), to
    tell afterwards whether it became visible, changed or went. The one read of the stored
    row per save: ActivityPub's ``post_saved`` reads the same."""
    if raw or not announcing() or instance.pk is None:
        instance._before_save = None
        return
    instance._before_save = Post.objects.filter(pk=instance.pk).values(*WATCHED).first()


def was_announced(instance):
    """Whether the post was public before this save (``remember_before``); True when unknown
    (a save ``remember_before`` did not see), so that nothing is announced by mistake."""
    if not hasattr(instance, "_before_save"):
        return True
    before = instance._before_save
    return before is not None and before["announced_at"] is not None


def announce(sender, instance, created=False, raw=False, **kwargs):
    """post_save: a post that became visible, or a visible post whose text changed, is sent;
    a post that was visible and is hidden now tells the pages that took its Webmentions."""
    if raw or not announcing():
        return
    post_id = instance.pk
    before = getattr(instance, "_before_save", None)
    if not instance.is_public:
        if before is not None and before["announced_at"] is not None:  # it was visible
            transaction.on_commit(lambda: send_unpublished_webmentions.enqueue(post_id))
        return
    became_visible = before is None or before["announced_at"] is None
    changed = before is not None and (
        before["title"] != instance.title or before["body_html"] != instance.body_html
    )
    if became_visible or changed:
        transaction.on_commit(lambda: send_webmentions.enqueue(post_id))
        if settings.WEBSUB_HUB:
            transaction.on_commit(ping_hubs)


def tell_deleted(sender, instance, **kwargs):
    """pre_delete: a deleted post that was visible tells the pages that took its Webmentions
    (read now: its records go with it); they find its URL gone (404)."""
    if not announcing() or instance.announced_at is None:
        return
    source = absolute_url(instance.get_absolute_url())
    for target in told_targets(instance):
        transaction.on_commit(lambda t=target: send_gone_webmention.enqueue(source, t))


def feed_urls():
    return [absolute_url(reverse(name)) for name in ("posts:feed", "posts:feed-rss", "json-feed")]


def ping_hubs():
    for url in feed_urls():
        ping_hub.enqueue(url)


@task()
@retrying
def ping_hub(feed_url):
    """Tell the WebSub hub that ``feed_url`` has news (its subscribers then fetch it)."""
    hub = settings.WEBSUB_HUB
    if not hub:
        return
    outbound.post(
        hub,
        urlencode({"hub.mode": "publish", "hub.url": feed_url}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
