"""Moderators: comments, the queue, block rules, the policy and the filter; nothing on posts."""

from posts.roles import grant, model_permissions

grant(
    "Moderators",
    # comments.comment comes from comments/roles.py (removed, never hard-deleted in the admin)
    *model_permissions("moderation", "heldcomment"),
    *model_permissions("moderation", "blockrule"),
    *model_permissions("moderation", "policy", actions=("change", "view")),
    *model_permissions("moderation", "decision", actions=("view",)),
    *model_permissions("moderation", "tokencount", actions=("view",)),
    *model_permissions("moderation", "filtertotals", actions=("view",)),
)
