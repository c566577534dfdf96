"""What the inbox does with an activity whose signature was verified (``views.inbox`` checks
size, rates, block rules and the signature first). Each handler is safe to run twice: a
server that retries a delivery changes nothing the second time."""

import logging

from django.db import transaction

from comments.models import Comment, on
from federation.intake import (
    NotATarget,
    RemoteComment,
    file_remote_comment,
    find_target,
    remove_remote_comments,
)
from federation.models import Follower, Reaction, RemoteActor, RemoteReply
from moderation.models import BlockRule
from moderation.pipeline import RuleSet
from moderation.textfeatures import link_host

from . import AS_PUBLIC, actors, host_of, reactions, site_host
from .delivery import send_accept
from .documents import actor_id

logger = logging.getLogger(__name__)
PUBLIC = {AS_PUBLIC, "as:Public", "Public"}
REPLY_TYPES = {"Note", "Article", "Page"}  # bovine, for one, answers an Article in kind
NOTE = "ActivityPub: signature verified"


def object_id(value):
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def blocked_instance(host):
    """The block rule that refuses everything from the instance at ``host`` (a link-domain
    rule marking spam, on the domain or one of its parents), or None. The comments' own
    matching (``RuleSet.domain_rules``, hosts read as ``textfeatures.link_host`` reads links:
    punycode decoded, case folded), so a rule meets the instance as it meets its links. A rule
    that holds lets the instance in, and the pipeline holds its replies (their author URL is on
    that domain)."""
    rules = RuleSet.load().domain_rules(link_host(host))
    return next((rule for rule in rules if rule.action == BlockRule.Action.SPAM), None)


def target_of(url):
    """``(post or page, parent comment)`` that a reply or a reaction names
    (``federation.intake.find_target``; a fediverse comment's note counts), else
    ``(None, None)``."""
    try:
        return find_target(url, {site_host()}, remote_comments=True)
    except NotATarget:
        return None, None


def is_public(document):
    audience = []
    for field in ("to", "cc"):
        value = document.get(field, [])
        audience += value if isinstance(value, list) else [value]
    return any(a in PUBLIC for a in audience if isinstance(a, str))


def handle(activity, actor):
    """Act on ``activity`` from ``actor`` (a verified ``RemoteActor``); return a word for
    the log (what was done, or why nothing was)."""
    kind = activity.get("type")
    handler = HANDLERS.get(kind if isinstance(kind, str) else "")
    if handler is None:
        return f"ignored {kind!r}"
    return handler(activity, actor)


def on_follow(activity, actor):
    if object_id(activity.get("object")) != actor_id():
        return "a follow of someone else"
    follow_id = object_id(activity) or actor.actor_id
    Follower.objects.update_or_create(actor=actor, defaults={"follow_id": follow_id})
    transaction.on_commit(lambda: send_accept(activity, actor.pk))
    return "followed"


def on_undo(activity, actor):
    inner = activity.get("object")
    inner_id = object_id(inner)
    kind = inner.get("type") if isinstance(inner, dict) else None
    if kind in (None, "Follow"):
        follows = Follower.objects.filter(actor=actor)
        if kind is None:
            follows = follows.filter(follow_id=inner_id)
        if follows.delete()[0]:
            return "unfollowed"
    if kind in (None, "Like", "Announce"):
        undone = Reaction.objects.filter(actor=actor, activity_id=inner_id)
        if not undone.exists() and kind and isinstance(inner, dict):
            about, _ = target_of(object_id(inner.get("object")))
            kind_value = Reaction.Kind.LIKE if kind == "Like" else Reaction.Kind.ANNOUNCE
            if about is not None:
                undone = Reaction.objects.filter(actor=actor, kind=kind_value, **on(about))
        abouts = [r.about for r in undone.select_related("post", "page")]
        if abouts:
            undone.delete()
            reactions.touch(abouts)  # the shown counts change
            return "reaction undone"
    return "nothing to undo"


def on_reaction(activity, actor):
    about, _ = target_of(object_id(activity.get("object")))
    activity_id = object_id(activity)
    if about is None or host_of(activity_id) != actor.domain:
        return "a reaction to something not ours"
    kind = Reaction.Kind.LIKE if activity["type"] == "Like" else Reaction.Kind.ANNOUNCE
    _, created = Reaction.objects.get_or_create(
        activity_id=activity_id, defaults={"kind": kind, "actor": actor, **on(about)}
    )
    if created:
        reactions.touch([about])  # the shown counts change
    return f"{kind} counted"


def on_delete(activity, actor):
    target = object_id(activity.get("object"))
    if target == actor.actor_id:
        return forget_actor(actor)
    reply = RemoteReply.objects.filter(note_id=target, actor=actor).first()
    if reply is None:
        return "a delete of nothing we keep"
    removed = remove_remote_comments(target)
    reply.delete()
    return f"{removed} comment(s) removed"


def forget_actor(actor):
    """The account is gone: its follow, likes and boosts go, its replies are removed and
    erased, and what we cached about it is deleted."""
    for note_id in list(actor.replies.values_list("note_id", flat=True)):
        remove_remote_comments(note_id, reason="its author's account was deleted")
    liked = {r.about for r in actor.reactions.select_related("post", "page")}
    actor.delete()  # with its follow, reactions and reply records
    reactions.touch(liked)
    return "account forgotten"


def on_note(activity, actor):
    note = activity.get("object")
    if activity.get("type") == "Update" and object_id(note) == actor.actor_id:
        try:
            actors.store(note, actor.key_id)  # a new name or avatar; their comments keep theirs
        except actors.ActorError as error:
            return f"an unusable profile update: {error}"
        return "profile updated"
    if not isinstance(note, dict) or note.get("type") not in REPLY_TYPES:
        return "not a note"
    note_id = object_id(note)
    if host_of(note_id) != actor.domain or object_id(note.get("attributedTo")) != actor.actor_id:
        return "a note of someone else"
    if not is_public(note):
        return "not public: a direct message is never shown as a comment"
    owner = RemoteReply.objects.filter(note_id=note_id).exclude(actor=actor).exists()
    if owner:
        return "a note of someone else"
    about, parent = target_of(object_id(note.get("inReplyTo")))
    if about is None:
        return "not a reply to us"
    content = note.get("content")
    if not isinstance(content, str) or not content.strip():
        return "an empty note"
    with transaction.atomic():
        comment = file_remote_comment(
            about,
            RemoteComment(
                channel=Comment.Channel.ACTIVITYPUB,
                source_url=note_id,
                name=actor.display_name,
                url=actor.url,
                avatar_url=actor.icon_url,
                html=content,
                parent=parent,
                note=NOTE,
            ),
        )
        RemoteReply.objects.get_or_create(note_id=note_id, defaults={"actor": actor})
    return f"comment {comment.pk} {comment.status}"


HANDLERS = {
    "Follow": on_follow,
    "Undo": on_undo,
    "Like": on_reaction,
    "Announce": on_reaction,
    "Delete": on_delete,
    "Create": on_note,
    "Update": on_note,
}


def known_actor(activity):
    """Whether we know the actor of ``activity`` (a ``Delete`` of an account we never knew
    needs no key fetch: its key is gone too, and there is nothing to forget)."""
    return RemoteActor.objects.filter(actor_id=object_id(activity.get("actor"))).exists()
