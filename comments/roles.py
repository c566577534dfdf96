"""Comment permissions for ``setup_roles`` (see ``posts/roles.py``)."""

from posts.roles import grant, model_permissions

grant(
    "Moderators",
    *model_permissions("comments", "comment"),
    *model_permissions("comments", "notificationaddress"),
)
grant("Authors", "comments.view_comment")  # the admin shows them comments on their own posts
