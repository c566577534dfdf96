"""Staff roles: each app's ``roles.py`` adds its permissions to ``ROLES`` with ``grant()``.

``setup_roles`` imports every app's ``roles`` module, then writes the groups.
"""

ROLES = {"Authors": set(), "Editors": set(), "Moderators": set()}


def grant(group, *permissions):
    """Give ``group`` the permissions named ``app_label.codename``."""
    ROLES[group].update(permissions)


def model_permissions(app_label, model, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model}" for action in actions]


grant("Authors", *model_permissions("posts", "post"), "posts.view_page")
grant("Authors", "taggit.add_tag", "taggit.view_tag")
grant(
    "Editors",
    *model_permissions("posts", "post"),
    "posts.publish_post",
    *model_permissions("posts", "page"),
    "posts.change_blogsettings",
    "posts.view_blogsettings",
    *model_permissions("taggit", "tag"),
    *model_permissions("redirects", "redirect"),
)
