"""Blogger's comment settings, and turning them into the moderation policy.

The classic export carries the blog's settings as entries (kind ``#settings``); the ones that
matter for comments are:

==================================  ==========================================================
``BLOG_COMMENTS_ALLOWED``           ``true``/``false`` (or ``SHOW``/``HIDE``)
``BLOG_COMMENT_ACCESS``             who may comment: ``ANYONE``, ``REGISTERED``/``BLOGGERS``,
                                    ``MEMBERS``
``BLOG_COMMENT_MODERATION``         ``ALWAYS``, ``NEVER`` or ``DATE`` (on posts older than...)
``BLOG_COMMENT_MODERATION_DELAY``   ...this many days
``BLOG_COMMENT_CAPTCHA``            ``true``/``false``: word verification
==================================  ==========================================================

:func:`apply_blog_settings` sets these fields of ``moderation.models.Policy``:
``comments_allowed`` (bool), ``comment_access`` ("anyone", "registered", "members"),
``moderate`` ("always", "never", "older_than"), ``moderate_after_days`` (int) and
``captcha_anonymous`` (bool).
"""

from moderation.models import Policy
from transfer.xmlstream import TransferError

COMMENT_SETTINGS = (
    "BLOG_COMMENTS_ALLOWED",
    "BLOG_COMMENT_ACCESS",
    "BLOG_COMMENT_MODERATION",
    "BLOG_COMMENT_MODERATION_DELAY",
    "BLOG_COMMENT_CAPTCHA",
)
TRUE = {"true", "yes", "1", "show", "on", "enabled"}
MODERATION = {
    "always": "always",
    "enabled": "always",
    "true": "always",
    "never": "never",
    "disabled": "never",
    "false": "never",
    "date": "older_than",
    "older_than": "older_than",
    "delayed": "older_than",
}
ACCESS = {
    "anyone": "anyone",
    "anonymous": "anyone",
    "registered": "registered",
    "bloggers": "registered",
    "blogger": "registered",
    "members": "members",
}


def describe(settings):
    """One line: the comment settings first, then how many others there were."""
    shown = [f"{name}={settings[name]}" for name in COMMENT_SETTINGS if name in settings]
    others = len(settings) - len(shown)
    if others:
        shown.append(f"({others} other settings not used)")
    return ", ".join(shown) or "none about comments"


def policy_values(settings):
    """Map Blogger's comment settings to policy field values; unknown values are refused."""
    values = {}

    def value(name):
        return str(settings[name]).strip().lower()

    if "BLOG_COMMENTS_ALLOWED" in settings:
        values["comments_allowed"] = value("BLOG_COMMENTS_ALLOWED") in TRUE
    if "BLOG_COMMENT_CAPTCHA" in settings:
        values["captcha_anonymous"] = value("BLOG_COMMENT_CAPTCHA") in TRUE
    if "BLOG_COMMENT_ACCESS" in settings:
        if value("BLOG_COMMENT_ACCESS") not in ACCESS:
            raise TransferError(f"unknown BLOG_COMMENT_ACCESS {settings['BLOG_COMMENT_ACCESS']!r}")
        values["comment_access"] = ACCESS[value("BLOG_COMMENT_ACCESS")]
    if "BLOG_COMMENT_MODERATION" in settings:
        mode = value("BLOG_COMMENT_MODERATION")
        if mode not in MODERATION:
            raise TransferError(f"unknown BLOG_COMMENT_MODERATION {mode!r}")
        values["moderate"] = MODERATION[mode]
    if "BLOG_COMMENT_MODERATION_DELAY" in settings:
        try:
            values["moderate_after_days"] = int(value("BLOG_COMMENT_MODERATION_DELAY") or 0)
        except ValueError:
            raise TransferError("BLOG_COMMENT_MODERATION_DELAY is not a number of days") from None
    return values


def apply_blog_settings(settings):
    """Set the moderation policy from Blogger's settings; return the fields that changed.

    The policy is saved only when a value changes, so a second import changes no row.
    """
    policy = Policy.objects.filter(pk=1).first() or Policy(pk=1)  # the row, not a cached copy
    changed = sorted(
        name for name, value in policy_values(settings).items() if getattr(policy, name) != value
    )
    if changed:
        for name, value in policy_values(settings).items():
            setattr(policy, name, value)
        policy.save()
    return changed
