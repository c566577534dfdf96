"""Signed values the comments app hands to browsers and mailboxes.

Everything here is stateless: a visitor's render stamp, submission token, edit rights,
remembered details and mail links live in signed strings, so reading a post writes nothing to
the database. (A submission token's key is stored only on the comment made with it.)
"""

import json
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing

FORM_MAX_AGE = 2 * 24 * 3600  # a form (its stamp, its submission token) older than this is refused
SUBMISSION_SALT = "comments.submission"
EDIT_SECONDS = 15 * 60  # a commenter may edit or delete for this long
CONFIRM_MAX_AGE = 7 * 24 * 3600
AUTHOR_COOKIE = "comment_author"
EDIT_COOKIE = "comment_edit"
EDIT_HINT_COOKIE = "comment_edit_ids"
MINE_COOKIE = "comment_mine"  # the comments this browser sent, to show its held ones to it
MINE_SECONDS = 365 * 24 * 3600
MINE_LIMIT = 50  # the newest ids kept: enough for a visitor, small in every request


class TooFast(Exception):
    pass


def form_stamp(post_id):
    """The signed render time of a comment form for this post."""
    return signing.dumps({"p": post_id, "t": time.time()}, salt="comments.form", compress=True)


def check_form_stamp(value, post_id):
    """Raise ``signing.BadSignature`` (also when expired or for another post) or ``TooFast``."""
    data = signing.loads(value, salt="comments.form", max_age=FORM_MAX_AGE)
    if data.get("p") != post_id:
        raise signing.BadSignature("stamp for another post")
    if time.time() - float(data["t"]) < settings.COMMENT_MIN_SECONDS:
        raise TooFast


def submission_token(post_id):
    """A signed one-time token for one comment on this post, issued when a visitor starts
    writing (with the captcha challenge). The comment made with it stores its key
    (``Comment.submission_key``, unique), so the same form sent again finds that comment."""
    return signing.dumps({"p": post_id, "k": secrets.token_urlsafe(16)}, salt=SUBMISSION_SALT)


def submission_key(value, post_id):
    """The key of a submission token for this post, whatever its age (a resend of a form whose
    comment was made still finds it); raise ``signing.BadSignature`` if it is forged, missing
    or for another post. ``submission_expired`` tells the age."""
    data = signing.loads(value, salt=SUBMISSION_SALT)
    if not isinstance(data, dict) or data.get("p") != post_id or not isinstance(data.get("k"), str):
        raise signing.BadSignature("submission token for another post")
    return data["k"]


def submission_expired(value):
    try:
        signing.loads(value, salt=SUBMISSION_SALT, max_age=FORM_MAX_AGE)
    except signing.SignatureExpired:
        return True
    return False


def _cookie_options(max_age):
    return {
        "max_age": max_age,
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.SESSION_COOKIE_SECURE,
    }


def remembered_author(request):
    """Name, email and URL the visitor asked us to remember, or ``{}``."""
    value = request.get_signed_cookie(AUTHOR_COOKIE, default="", salt="comments.author")
    try:
        data = json.loads(value) if value else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: str(data.get(key, "")) for key in ("name", "email", "url")}


def author_initial(request):
    """The form's initial author fields: what we remembered, and the box ticked if so."""
    return {
        **remembered_author(request),
        "remember": bool(request.COOKIES.get(AUTHOR_COOKIE)),
    }


def remember_author(response, data):
    value = json.dumps({key: data.get(key, "") for key in ("name", "email", "url")})
    response.set_signed_cookie(
        AUTHOR_COOKIE, value, salt="comments.author", **_cookie_options(365 * 24 * 3600)
    )


def forget_author(response):
    response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")


def editable_ids(request):
    """Ids of comments this browser posted within the edit window."""
    value = request.get_signed_cookie(
        EDIT_COOKIE, default="", salt="comments.edit", max_age=EDIT_SECONDS
    )
    return {int(part) for part in value.split(".") if part.isdigit()}


def grant_edit(request, response, comment_id):
    ids = ".".join(str(i) for i in [comment_id, *sorted(editable_ids(request) - {comment_id})])
    response.set_signed_cookie(
        EDIT_COOKIE, ids, salt="comments.edit", **_cookie_options(EDIT_SECONDS)
    )
    # an unsigned copy for comments.js to show "Edit" links on the (shared, cached) thread;
    # it grants nothing: the views check the signed cookie
    response.set_cookie(
        EDIT_HINT_COOKIE, ids, **{**_cookie_options(EDIT_SECONDS), "httponly": False}
    )


def my_comments(request):
    """``{comment_id: form_key}`` of the comments this browser sent (newest first), from its
    long-lived signed cookie: apart from the edit cookie (15 minutes) and the captcha trust,
    it grants nothing but the sight of one's own held comments. The key is the post's id, or
    ``page:<id>`` for a page (``comments.models.form_key``)."""
    value = request.get_signed_cookie(
        MINE_COOKIE, default="", salt="comments.mine", max_age=MINE_SECONDS
    )
    mine = {}
    for part in value.split("."):
        target, _, comment_id = part.partition("-")
        on_page = target.startswith("p")
        target_id = target[1:] if on_page else target
        if target_id.isdigit() and comment_id.isdigit():
            mine[int(comment_id)] = f"page:{int(target_id)}" if on_page else int(target_id)
    return mine


def remember_mine(request, response, comment):
    """Add ``comment`` to the browser's "my comments" cookie (signed, a year, HttpOnly)."""
    from comments.models import form_key

    mine = {comment.pk: form_key(comment.target), **my_comments(request)}
    value = ".".join(
        f"p{key.partition(':')[2]}-{pk}" if isinstance(key, str) else f"{key}-{pk}"
        for pk, key in list(mine.items())[:MINE_LIMIT]
    )
    response.set_signed_cookie(
        MINE_COOKIE, value, salt="comments.mine", **_cookie_options(MINE_SECONDS)
    )


def confirm_token(email, now=None):
    """Carries its issue time, so a link mailed before an unsubscribe cannot undo it."""
    issued = now if now is not None else time.time()
    return signing.dumps({"e": email.lower(), "t": issued}, salt="comments.confirm")


def read_confirm_token(token):
    """``(email, issued_at)``; ``issued_at`` is None for a link from before tokens carried it.
    Raises ``signing.BadSignature`` (also when expired)."""
    data = signing.loads(token, salt="comments.confirm", max_age=CONFIRM_MAX_AGE)
    if isinstance(data, str):
        return data, None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        raise signing.BadSignature("not a confirmation token")
    try:
        issued_at = datetime.fromtimestamp(float(data["t"]), tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        raise signing.BadSignature("no issue time") from None
    return data["e"], issued_at


def unsubscribe_token(email):
    """Never expires: the link in an old mail must still work."""
    return signing.dumps(email.lower(), salt="comments.unsubscribe")


def email_from_unsubscribe_token(token):
    return signing.loads(token, salt="comments.unsubscribe")
