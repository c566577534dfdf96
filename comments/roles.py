"""Comment permissions for ``setup_roles`` (see ``posts/roles.py``)."""

from posts.roles import grant, model_permissions

grant(
    "Moderators",
    # no delete: comments are removed (a state) or purged by purge_spam / erase_commenter
    *model_permissions("comments", "comment", actions=("add", "change", "view")),
    *model_permissions("comments", "notificationaddress"),
)
grant("Authors", "comments.view_comment")  # the admin shows them comments on their own posts
