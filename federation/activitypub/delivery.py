"""Sending: each post's ``Create``, ``Update`` or ``Delete`` to the followers (one signed POST
per shared inbox), and the ``Accept`` of a follow. Tasks with primitive arguments, enqueued on
commit, retried on temporary failures (``jobs.retry``); ``sync_post`` compares what the post
is with what was sent (``FederatedPost``), so running it twice sends nothing twice."""

import json
import logging

from django.db import transaction
from django.utils import timezone

from federation import outbound
from federation.models import FederatedPost, Follower, RemoteActor
from jobs.compat import task
from jobs.retry import retrying
from posts.models import Post

from . import ACTIVITY_JSON, enabled, keys, signatures
from . import documents as docs

logger = logging.getLogger(__name__)


@task()
@retrying
def deliver(inbox, activity):
    """POST ``activity`` (a dict) to ``inbox``, signed with the blog's key (signed now, so a
    retry carries a fresh Date)."""
    if not enabled():
        return False
    body = json.dumps(activity).encode()
    key = keys.blog_key()
    headers = signatures.sign_request("POST", inbox, body, docs.key_id(), key.private_key_pem)
    outbound.post(inbox, body, headers={**headers, "Content-Type": ACTIVITY_JSON})
    return True


def to_followers(activity):
    """Queue ``activity`` for every follower: one delivery per shared inbox."""
    inboxes = {
        follower.actor.delivery_inbox for follower in Follower.objects.select_related("actor")
    }
    for inbox in sorted(inboxes):
        transaction.on_commit(lambda inbox=inbox: deliver.enqueue(inbox, activity))
    return len(inboxes)


def send_accept(follow, actor_pk):
    """Answer a ``Follow`` with an ``Accept`` to the follower's own inbox (queued)."""
    actor = RemoteActor.objects.filter(pk=actor_pk).first()
    if actor is None:
        return
    accept = {
        "@context": docs.AS_CONTEXT,
        "id": f"{docs.actor_id()}#accepts/{actor.pk}/{docs.digest_of(follow)[:16]}",
        "type": "Accept",
        "actor": docs.actor_id(),
        "object": follow,
        "to": [actor.actor_id],
    }
    deliver.enqueue(actor.inbox, accept)


@task()
def sync_post(post_id, may_create=False):
    """Tell followers what changed about post ``post_id``: ``Create`` when it became visible
    (``may_create``: it just did; an imported or older post is never announced late),
    ``Update`` when its ``Article`` changed, ``Delete`` when it is gone or hidden."""
    if not enabled():
        return "off"
    with transaction.atomic():
        record = FederatedPost.objects.select_for_update().filter(post_id=post_id).first()
        post = (
            Post.objects.filter(pk=post_id)
            .select_related("author")
            .prefetch_related("tags")
            .first()
        )
        sent = record is not None and not record.deleted
        if post is None or not post.is_public:
            if not sent:
                return "nothing"
            to_followers(deletion(record.object_id))
            record.deleted = True
            record.save(update_fields=["deleted", "updated_at"])
            return "deleted"
        article = docs.article(post)
        # what followers see; not "updated", which moves on every save
        digest = docs.digest_of({k: v for k, v in article.items() if k != "updated"})
        if not sent:
            if not may_create:
                return "never announced"
            to_followers(creation(article))
            FederatedPost.objects.update_or_create(
                post_id=post_id,
                defaults={"object_id": article["id"], "digest": digest, "deleted": False},
            )
            return "created"
        if record.object_id != article["id"]:  # its URL changed: the old object is gone
            to_followers(deletion(record.object_id))
            to_followers(creation(article))
        elif record.digest != digest:
            update = docs.activity("Update", article, suffix=f"updates/{digest[:16]}")
            to_followers({**update, "updated": article["updated"]})
        else:
            return "unchanged"
        record.object_id, record.digest = article["id"], digest
        record.save(update_fields=["object_id", "digest", "updated_at"])
        return "updated"


def stamp():
    return timezone.now().strftime("%Y%m%d%H%M%S%f")


def creation(article):
    """A ``Create`` with an id of its own (a post deleted and published again is new)."""
    create = docs.activity("Create", article, suffix=f"create/{stamp()}")
    return {**create, "published": article["published"]}


def deletion(object_id):
    tombstone = {"id": object_id, "type": "Tombstone"}
    return docs.activity("Delete", tombstone, suffix=f"delete/{stamp()}")
