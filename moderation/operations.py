"""Moderators' actions. The admin queue's actions are one-line calls to these.

Each checks permission, changes states in one transaction through the comments app's
``set_status`` (which saves, moves the post's comment count and thread version on and calls
the moderator's ``record``: the decision log and the filter's training happen there).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from comments.operations import can_moderate, set_status

from . import textfeatures
from .models import BlockRule, normalise_rule_value

STATUS_FOR_ACTION = {
    "approve": "approved",
    "spam": "spam",
    "remove": "removed",
    "pending": "pending",  # undo: back to the queue
}
# Never blocked by "spam and block this domain": too many honest comments link to them.
SHARED_DOMAINS = {
    "youtube.com", "youtu.be", "google.com", "facebook.com", "twitter.com", "x.com",
    "wikipedia.org", "github.com", "instagram.com", "linkedin.com", "medium.com",
    "blogspot.com", "blogger.com", "wordpress.com", "gmail.com", "bit.ly", "t.co",
}  # fmt: skip


def check_permission(actor):
    if not can_moderate(actor):
        raise PermissionDenied("Only moderators may moderate comments.")


def moderate(comments, action, actor, reason=""):
    """Approve, spam, remove or return to the queue (``pending``) each comment; return how
    many changed."""
    if action not in STATUS_FOR_ACTION:
        raise ValueError(f"unknown moderation action {action!r}")
    check_permission(actor)
    status = STATUS_FOR_ACTION[action]
    reason = reason or f"{action} by a moderator"
    with transaction.atomic():
        return sum(bool(set_status(c, status, actor=actor, reason=reason)) for c in comments)


def domains_of(comment):
    """The registrable domains a comment links to (body and URL field), shared hosts aside."""
    found = []
    for host in textfeatures.link_domains(comment.body, comment.url):
        if host == "invalid":
            continue
        domain = textfeatures.registrable(host)
        if domain != "ip-address" and domain not in SHARED_DOMAINS and domain not in found:
            found.append(domain)
    return found


def block_and_spam(comments, kind, actor):
    """Mark the comments spam and add a spam rule for each one's link domains (``kind``
    "domain") or IP address (``kind`` "ip"). Return (comments changed, rule values added,
    refusals): an address no rule may cover (this server, a trusted proxy) is not blocked,
    and each refusal says why."""
    if kind not in (BlockRule.Kind.DOMAIN, BlockRule.Kind.IP):
        raise ValueError(f"cannot block by {kind!r}")
    check_permission(actor)
    comments = list(comments)
    added, refused = [], []
    with transaction.atomic():
        for comment in comments:
            if kind == BlockRule.Kind.IP:
                values = [comment.ip_address] if comment.ip_address else []
            else:
                values = domains_of(comment)
            for value in values:
                try:
                    value = normalise_rule_value(kind, value)
                except ValidationError as error:
                    refused.extend(m for m in error.messages if m not in refused)
                    continue
                rule, created = BlockRule.objects.get_or_create(
                    kind=kind,
                    value=value,
                    defaults={"action": BlockRule.Action.SPAM, "created_by": actor,
                              "note": f"from comment {comment.pk}"},
                )  # fmt: skip
                if created:
                    added.append(rule.value)
        reason = "spam; blocked " + (", ".join(added) if added else f"its {kind}")
        if refused and not added:
            reason = f"spam; its {kind} not blocked (this server or a trusted proxy)"
        changed = moderate(comments, "spam", actor, reason=reason)
    return changed, added, refused
