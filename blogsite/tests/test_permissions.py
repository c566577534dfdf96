"""The staff permission matrix (STYLE 19, CONTRACT "Staff roles"): every model registered in
the admin x its changelist, add, change, history and delete views and every admin action x
every persona. The policy is the MATRIX and ACTIONS tables below; the expected answers are
derived from them, and a model, action or admin URL nobody put in a table fails the suite."""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from PIL import Image
from taggit.models import Tag

from blogsite.tests.conftest import PERSONAS, STAFF
from comments.models import NotificationAddress
from comments.tests.factories import make_comment
from federation.models import Follower, IncomingWebmention, Reaction, RemoteActor, SentWebmention
from jobs.models import FailedJob
from moderation.models import BlockRule, Decision, FilterTotals, HeldComment, Policy
from posts.models import BlogSettings, Post
from posts.tests.factories import make_page, make_post, make_user
from transfer.models import ImportLog

pytestmark = pytest.mark.django_db

# What each staff persona may do with one object of each model: v view, a add, c change,
# d delete; "" nothing (403). The plain logged-in user and the anonymous visitor are never
# listed: every admin URL sends them to the admin login. The post (and the post a comment is
# on) belongs to "author"; "other_author" is an Author who does not own it.
# fmt: off
MATRIX = {
    #                               author   other    editor   moderator  superuser
    "auth.group":                  ("",      "",      "",      "",        "vacd"),
    "auth.user":                   ("",      "",      "",      "",        "vacd"),
    "sites.site":                  ("",      "",      "",      "",        "vacd"),
    "redirects.redirect":          ("",      "",      "vacd",  "",        "vacd"),
    "taggit.tag":                  ("va",    "va",    "vacd",  "",        "vacd"),
    "posts.post":                  ("vacd",  "vacd",  "vacd",  "",        "vacd"),
    "posts.page":                  ("v",     "v",     "vacd",  "",        "vacd"),
    "posts.blogsettings":          ("",      "",      "vc",    "",        "vc"),    # one row
    "comments.comment":            ("v",     "v",     "",      "vac",     "vac"),   # removed, never deleted
    "comments.notificationaddress": ("",     "",      "",      "vacd",    "vacd"),
    "moderation.heldcomment":      ("",      "",      "",      "vc",      "vc"),    # the queue
    "moderation.policy":           ("",      "",      "",      "vc",      "vc"),    # one row
    "moderation.blockrule":        ("",      "",      "",      "vacd",    "vacd"),
    "moderation.decision":         ("",      "",      "",      "v",       "v"),     # append-only
    "moderation.filtertotals":     ("",      "",      "",      "v",       "v"),
    "transfer.importlog":          ("",      "",      "",      "",        "vcd"),
    "jobs.failedjob":              ("",      "",      "",      "",        "v"),     # Retry: its own URL
    "federation.remoteactor":      ("",      "",      "",      "",        "vcd"),   # read-only fields
    "federation.follower":         ("",      "",      "",      "",        "vcd"),
    "federation.reaction":         ("",      "",      "",      "",        "vcd"),
    "django_tasks_database.dbtaskresult": ("", "",    "",      "",        "v"),     # the queue, read-only
    "federation.incomingwebmention": ("", "",         "",      "",        "v"),     # a record
    "federation.sentwebmention":     ("", "",         "",      "",        "v"),     # a record
}
# fmt: on

# The object is not in this persona's list (not theirs): its change, history and delete
# views answer as for a missing object, a redirect to the admin index.
HIDDEN = {"posts.post": {"other_author"}, "comments.comment": {"other_author"}}

MODERATORS = {"moderator", "superuser"}
PUBLISHERS = {"editor", "superuser"}

# Every admin action but Django's delete_selected (which follows the "d" of MATRIX):
# (the object's fields before, who may run it).
ACTIONS = {
    ("posts.post", "publish"): ({"status": "draft"}, PUBLISHERS),
    ("posts.post", "unpublish"): ({}, PUBLISHERS),
    ("taggit.tag", "render_tag_form"): ({}, PUBLISHERS),  # merging tags edits every post
    ("comments.comment", "mark_approved"): ({"status": "pending"}, MODERATORS),
    ("comments.comment", "mark_spam"): ({}, MODERATORS),
    ("comments.comment", "mark_removed"): ({}, MODERATORS),
    ("moderation.heldcomment", "moderate_approve"): ({"status": "pending"}, MODERATORS),
    ("moderation.heldcomment", "moderate_spam"): ({"status": "pending"}, MODERATORS),
    ("moderation.heldcomment", "moderate_remove"): ({"status": "pending"}, MODERATORS),
    ("moderation.heldcomment", "block_domain"): (
        {"status": "pending", "url": "https://spam.example/buy"}, MODERATORS,
    ),
    ("moderation.heldcomment", "block_ip"): (
        {"status": "pending", "ip_address": "203.0.113.9"}, MODERATORS,
    ),
    ("moderation.heldcomment", "moderate_pending"): ({"status": "spam"}, MODERATORS),
    ("jobs.failedjob", "retry_selected"): ({}, {"superuser"}),
}  # fmt: skip

# Admin URLs a model admin adds to the standard five: who may open them.
CUSTOM_VIEWS = {
    "taggit_tag_merge_tags": PUBLISHERS,  # the second step of render_tag_form
    "auth_user_password_change": {"superuser"},
    "jobs_failedjob_retry": {"superuser"},  # and whoever has jobs.retry_failedjob
}


def rights(persona, label):
    if persona not in STAFF:
        return ""
    return MATRIX[label][STAFF.index(persona)]


def registered():
    """``{"app_label.model_name": model admin}`` for every model in the admin."""
    return {model._meta.label_lower: admin_ for model, admin_ in admin.site._registry.items()}


# One object of each model, made fresh; ``overrides`` set its fields (an action's start state).
def _post(owner, **overrides):
    return make_post(author=owner, **overrides)


def _comment(owner, **overrides):
    return make_comment(make_post(author=owner), **overrides)


def _held(owner, **overrides):
    return HeldComment.objects.get(pk=_comment(owner, **{"status": "pending", **overrides}).pk)


def _decision(owner):
    comment = _comment(owner)
    label = f"comment {comment.pk}"
    return Decision.objects.create(comment=comment, label=label, to_status="approved")


def _policy(owner):
    policy = Policy.load()
    policy.save()
    return policy


def _tag(owner):
    tag = Tag.objects.create(name=f"tag {secrets.token_hex(4)}")
    _post(owner).tags.add(tag)
    return tag


def _remote_actor(owner):
    name = secrets.token_hex(4)
    return RemoteActor.objects.create(
        actor_id=f"https://social.example/users/{name}", key_id=f"https://social.example/users/{name}#k",
        public_key_pem="-", inbox="https://social.example/inbox", domain="social.example",
    )  # fmt: skip


BUILDERS = {
    "auth.group": lambda owner: Group.objects.create(name=f"group {secrets.token_hex(4)}"),
    "auth.user": lambda owner: make_user(),
    "sites.site": lambda owner: Site.objects.create(domain=f"{secrets.token_hex(4)}.example"),
    "redirects.redirect": lambda owner: Redirect.objects.create(
        site_id=settings.SITE_ID, old_path=f"/old-{secrets.token_hex(4)}/", new_path="/"
    ),
    "taggit.tag": _tag,
    "posts.post": _post,
    "posts.page": lambda owner: make_page(),
    "posts.blogsettings": lambda owner: BlogSettings.load(),
    "comments.comment": _comment,
    "comments.notificationaddress": lambda owner: NotificationAddress.objects.create(
        email=f"{secrets.token_hex(4)}@example.com"
    ),
    "moderation.heldcomment": _held,
    "moderation.policy": _policy,
    "moderation.blockrule": lambda owner: BlockRule.objects.create(
        kind="word", value=secrets.token_hex(4)
    ),
    "moderation.decision": _decision,
    "moderation.filtertotals": lambda owner: FilterTotals.objects.get_or_create(pk=1)[0],
    "transfer.importlog": lambda owner: ImportLog.objects.create(
        file_name="blog.xml", format="blogger"
    ),
    "jobs.failedjob": lambda owner: FailedJob.objects.create(
        task_path="jobs.mail.send_message",
        args=["test:1", "test", "ann@example.com", "Subject", "Body"],
        error="SMTPServerDisconnected: gone",
        first_attempt_at=timezone.now(),
    ),
    "federation.remoteactor": _remote_actor,
    "federation.follower": lambda owner: Follower.objects.create(
        actor=_remote_actor(owner), follow_id="https://social.example/follows/1"
    ),
    "federation.reaction": lambda owner: Reaction.objects.create(
        kind="like",
        activity_id=f"https://social.example/likes/{secrets.token_hex(4)}",
        actor=_remote_actor(owner),
        post=_post(owner),
    ),  # fmt: skip
    "django_tasks_database.dbtaskresult": lambda owner: DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="jobs.periodic.tick",
        backend_name="default",
        run_after=get_date_max(),  # no run_after
    ),
    "federation.incomingwebmention": lambda owner: IncomingWebmention.objects.create(
        source="https://a.example/reply", target="http://testserver/", post=make_post()
    ),
    "federation.sentwebmention": lambda owner: SentWebmention.objects.create(
        post=make_post(), target="https://a.example/"
    ),
}


def admin_url(label, view, obj=None):
    app_label, model_name = label.split(".")
    args = [obj.pk] if view in ("change", "history", "delete") else []
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def outcome(response, label, obj=None):
    """The answer in the words of the expectations: a status, or where a redirect went."""
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"]
    if location.startswith(reverse("admin:login")):
        return "login"
    if location == reverse("admin:index"):
        return "index"  # the admin's answer for an object you cannot see
    if location.split("?")[0] == admin_url(label, "changelist"):
        return "changelist"
    if obj is not None and location == admin_url(label, "change", obj):
        return "change"
    return f"302 {location}"


def send(client, method, url, data=None):
    return client.get(url) if method == "GET" else client.post(url, data or {})


def row(model, pk):
    """The object's stored fields (``None`` once deleted), to see whether a request changed it."""
    return model._base_manager.filter(pk=pk).values().first()


# --- the matrix ------------------------------------------------------------------------------


def expected_answers(persona, label):
    """``{(method, view): {acceptable outcomes}}`` for one persona and one model's object."""
    if persona not in STAFF:
        return dict.fromkeys(VIEWS, {"login"})
    may = rights(persona, label)
    view = "v" in may or "c" in may
    hidden = persona in HIDDEN.get(label, ())
    refused = {"403"}
    # an empty form: errors, or saved as it was where every field is read-only
    saved = {"200", "changelist"}
    answers = {
        ("GET", "changelist"): {"200"} if view else refused,
        ("GET", "add"): {"200"} if "a" in may else refused,
        ("POST", "add"): {"200"} if "a" in may else refused,  # an empty form: errors
        ("GET", "change"): ({"index"} if hidden else {"200"}) if view else refused,
        # a hidden object without change rights: Django 5.2 refuses, 6.x answers as if missing
        ("POST", "change"): (
            ({"index"} if hidden else saved)
            if "c" in may
            else refused | ({"index"} if hidden else set())
        ),
        # Django looks the object up before it checks the permission: a refusal may be either
        ("GET", "history"): {"index"} if hidden else {"200"} if view else {"403", "index"},
        ("GET", "delete"): ({"index"} if hidden else {"200"}) if "d" in may else refused,
        ("POST", "delete"): ({"index"} if hidden else {"changelist"}) if "d" in may else refused,
    }
    if label == "moderation.policy" and view:
        answers["GET", "changelist"] = {"change"}  # one row: the list opens it
    if label == "moderation.heldcomment" and view:  # the old queue's URL: the new queue
        answers["GET", "changelist"] = {f"302 {reverse('admin:moderation_queue')}"}
    return answers


VIEWS = [
    ("GET", "changelist"),
    ("GET", "add"),
    ("POST", "add"),
    ("GET", "change"),
    ("POST", "change"),
    ("GET", "history"),
    ("GET", "delete"),
    ("POST", "delete"),
]
POST_DATA = {"add": {}, "change": {}, "delete": {"post": "yes"}}


def test_every_admin_model_has_a_row_in_the_matrix():
    assert set(registered()) == set(MATRIX) == set(BUILDERS)


@pytest.mark.parametrize("label", sorted(MATRIX))
def test_permission_matrix(label, personas, clients):
    model = registered()[label].model
    wrong = []
    for persona in PERSONAS:
        obj = BUILDERS[label](personas["author"])
        client = clients[persona]
        for (method, view), allowed in expected_answers(persona, label).items():
            url = admin_url(label, view, obj)
            response = send(client, method, url, POST_DATA.get(view))
            got = outcome(response, label, obj)
            if got not in allowed:
                wrong.append(f"{persona:13} {method:4} {view:10} got {got}, expected {allowed}")
        deleted = row(model, obj.pk) is None
        should_delete = expected_answers(persona, label)["POST", "delete"] == {"changelist"}
        if deleted != should_delete:
            wrong.append(f"{persona:13} deleted the object: {deleted}, expected {should_delete}")
    assert not wrong, f"{label}:\n" + "\n".join(wrong)


# --- admin actions ---------------------------------------------------------------------------


def all_actions():
    """``(model label, action name)`` for every action of every model admin."""
    return {
        (label, name)
        for label, model_admin in registered().items()
        for name in action_names(model_admin)
    }


def action_names(model_admin):
    """Django 6.1 gives actions as objects with a name; 5.2 as (function, name, text)."""
    return [getattr(a, "name", None) or a[1] for a in model_admin._get_base_actions()]


def test_every_admin_action_has_a_row_in_the_table():
    others = {key for key in all_actions() if key[1] != "delete_selected"}
    assert others == set(ACTIONS)


def action_cases():
    cases = dict(ACTIONS)
    for label, letters in MATRIX.items():
        deleters = {p for p, may in zip(STAFF, letters, strict=True) if "d" in may}
        cases[label, "delete_selected"] = ({}, deleters - HIDDEN.get(label, set()))
    return [
        pytest.param(label, action, overrides, allowed, id=f"{label}-{action}")
        for (label, action), (overrides, allowed) in sorted(cases.items())
    ]


@pytest.mark.parametrize(("label", "action", "overrides", "allowed"), action_cases())
def test_admin_action(label, action, overrides, allowed, personas, clients):
    model = registered()[label].model
    wrong = []
    for persona in PERSONAS:
        obj = BUILDERS[label](personas["author"], **overrides)
        before = row(model, obj.pk)
        response = clients[persona].post(
            admin_url(label, "changelist"),
            {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes"},
        )
        got = outcome(response, label, obj)
        changed = row(model, obj.pk) != before
        if persona in allowed:
            if action == "render_tag_form":  # step one: off to the merge form
                ok = got == f"302 {reverse('admin:taggit_tag_merge_tags')}"
            else:
                ok = changed and got in ("changelist", "200")
        else:
            may = rights(persona, label)
            if persona not in STAFF:
                refusal = {"login"}
            elif "v" in may or "c" in may:  # the list again (the policy's list is its page)
                refusal = {"200", "changelist", "change"}
            else:
                refusal = {"403"}
            ok = not changed and got in refusal
            if action == "render_tag_form":
                ok = ok and "merge-tags" not in got
        if not ok:
            wrong.append(f"{persona:13} got {got}, changed the object: {changed}")
    assert not wrong, f"{label} {action} (allowed: {sorted(allowed)}):\n" + "\n".join(wrong)


# --- the admin's own extra URLs --------------------------------------------------------------

STANDARD_VIEWS = ("changelist", "add", "history", "delete", "change")


def custom_view_names():
    names = set()
    for label, model_admin in registered().items():
        standard = {f"{label.replace('.', '_')}_{view}" for view in STANDARD_VIEWS}
        names |= {p.name for p in model_admin.get_urls() if p.name and p.name not in standard}
    return names


def test_every_extra_admin_url_has_a_row_in_the_table():
    assert custom_view_names() == set(CUSTOM_VIEWS)


def test_only_superusers_change_passwords_in_the_admin(personas, clients):
    victim = make_user()
    url = reverse("admin:auth_user_password_change", args=[victim.pk])
    wrong = []
    for persona in PERSONAS:
        for method in ("GET", "POST"):
            got = outcome(send(clients[persona], method, url), "auth.user")
            if persona not in STAFF:
                expected = "login"
            else:
                expected = "200" if persona in CUSTOM_VIEWS["auth_user_password_change"] else "403"
            if got != expected:
                wrong.append(f"{persona:13} {method} got {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_only_editors_merge_tags(personas, clients):
    """Merging re-tags every post: the action and its form need the right to change and delete
    tags (Editors), not only a staff account."""
    merge_url = reverse("admin:taggit_tag_merge_tags")
    wrong = []
    for persona in PERSONAS:
        tag = _tag(personas["author"])
        client = clients[persona]
        client.post(
            admin_url("taggit.tag", "changelist"),
            {"action": "render_tag_form", ACTION_CHECKBOX_NAME: [tag.pk]},
        )
        allowed = persona in CUSTOM_VIEWS["taggit_tag_merge_tags"]
        got_form = outcome(client.get(merge_url), "taggit.tag")
        new_name = f"merged by {persona}"
        got_merge = outcome(client.post(merge_url, {"new_tag_name": new_name}), "taggit.tag")
        merged = Tag.objects.filter(name=new_name).exists()
        if persona not in STAFF:
            ok = (got_form, got_merge, merged) == ("login", "login", False)
        elif allowed:
            ok = got_form == "200" and got_merge.startswith("302") and merged
        else:
            ok = (got_form, got_merge, merged) == ("403", "403", False)
        if not ok:
            wrong.append(f"{persona:13} form {got_form}, merge {got_merge}, merged: {merged}")
    assert not wrong, "\n".join(wrong)


def test_an_author_cannot_give_a_post_to_someone_else(personas, clients):
    response = clients["author"].post(
        admin_url("posts.post", "add"),
        {"title": "Mine", "slug": "mine", "body": "Text.", "publish": "draft",
         "author": personas["other_author"].pk, "body_format": "markdown", "tags": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Post.objects.get(slug="mine").author == personas["author"]


def test_an_author_sees_only_comments_on_their_own_posts(personas, clients):
    mine = make_comment(make_post(author=personas["author"]), body="on my post")
    theirs = make_comment(make_post(author=personas["other_author"]), body="on their post")
    content = clients["author"].get(admin_url("comments.comment", "changelist")).content.decode()
    assert "on my post" in content and "on their post" not in content
    assert clients["author"].get(admin_url("comments.comment", "change", mine)).status_code == 200
    response = clients["author"].get(admin_url("comments.comment", "change", theirs))
    assert outcome(response, "comments.comment") == "index"


# --- the editor's preview and upload endpoints -----------------------------------------------

PREVIEW = "/markdownx/markdownify/"
UPLOAD = "/markdownx/upload/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'


def upload_file(content=None, name="dot.png"):
    """A small PNG, or ``content`` under an image's name."""
    data = io.BytesIO(content or b"")
    if content is None:
        Image.new("RGB", (4, 4), "red").save(data, "PNG")
        data.seek(0)
    data.name = name
    return data


@pytest.mark.parametrize("persona", PERSONAS)
def test_editor_endpoints(persona, clients, settings, tmp_path):
    """Staff may preview and upload (bad input 400, wrong method 405); nobody else gets in."""
    settings.MEDIA_ROOT = tmp_path
    client = clients[persona]
    answers = {
        "preview": client.post(PREVIEW, {"content": "*hi*"}),
        "preview without content": client.post(PREVIEW, {}),
        "preview by GET": client.get(PREVIEW),
        "upload": client.post(UPLOAD, {"image": upload_file()}, **AJAX),
        "upload without a file": client.post(UPLOAD, {}, **AJAX),
        "upload not an image": client.post(
            UPLOAD, {"image": upload_file(b"<svg onload=alert(1)>", "x.png")}, **AJAX
        ),
        "upload an SVG": client.post(
            UPLOAD, {"image": upload_file(SVG, "logo.svg")}, **AJAX
        ),  # refused: Pillow cannot decode it (posts.uploads)
        "upload without XMLHttpRequest": client.post(UPLOAD, {}),
        "upload by GET": client.get(UPLOAD),
    }
    got = {name: outcome(response, "posts.post") for name, response in answers.items()}
    if persona in STAFF:
        expected = {
            "preview": "200",
            "preview without content": "400",
            "preview by GET": "405",
            "upload": "200",
            "upload without a file": "400",
            "upload not an image": "400",
            "upload an SVG": "400",
            "upload without XMLHttpRequest": "400",
            "upload by GET": "405",
        }
        assert "<em>hi</em>" in answers["preview"].content.decode()
        assert answers["upload"].json()["image_code"].startswith("![](")
        assert not any(tmp_path.rglob("*.svg"))
    else:
        expected = dict.fromkeys(answers, "login")
        assert not any(tmp_path.rglob("*.*"))
    assert got == expected


# --- security settings -----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_with_production_settings_reports_nothing():
    """CONTRACT "Configuration": DEBUG=0 with a real key, a host name, HTTPS and a mail server
    (Django 6.1's check refuses the console mail backend in production, rightly)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "SECRET_KEY", "DEBUG", "HTTPS", "ALLOWED_HOSTS", "EMAIL", "SITE_URL")
        )
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="blogsite.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="blog.example.com",
        SITE_URL="https://blog.example.com",
        HTTPS="1",
        EMAIL_URL="submission://blog:secret@mail.example.org:587",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
