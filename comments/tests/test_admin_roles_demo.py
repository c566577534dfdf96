import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command

from comments.models import Comment
from comments.tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.usefixtures("blog")
CHANGELIST = "/admin/comments/comment/"


def _staff(*perms, **fields):
    user = make_user(is_staff=True, **fields)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def test_moderator_sees_all_comments_and_filters_by_state(client):
    mine, theirs = make_post(), make_post()
    make_comment(mine, body="on mine")
    make_comment(theirs, body="on theirs", status="spam")
    client.force_login(_staff("comments.view_comment", "comments.change_comment"))
    content = client.get(CHANGELIST).content.decode()
    assert "on mine" in content and "on theirs" in content
    filtered = client.get(CHANGELIST, {"status__exact": "spam"}).content.decode()
    assert "on theirs" in filtered and "on mine" not in filtered
    assert "/comments/" in filtered  # link to the comment on the page
    assert "on theirs" in client.get(CHANGELIST, {"q": "theirs"}).content.decode()


def test_author_sees_only_comments_on_own_posts(client):
    author = _staff("comments.view_comment", "posts.change_post")  # as the Authors group
    make_comment(make_post(author=author), body="on mine")
    make_comment(make_post(), body="on theirs")
    client.force_login(author)
    content = client.get(CHANGELIST).content.decode()
    assert "on mine" in content and "on theirs" not in content


def test_admin_actions_go_through_set_status(client, monkeypatch):
    from comments.moderator import Moderator

    calls = []
    monkeypatch.setattr(Moderator, "record", lambda self, *a, **kw: calls.append((a, kw)))
    post = make_post()
    comment = make_comment(post, status="pending")
    moderator = _staff("comments.view_comment", "comments.change_comment")
    client.force_login(moderator)
    response = client.post(
        CHANGELIST, {"action": "mark_approved", "_selected_action": [comment.pk]}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "approved"
    ((args, kwargs),) = calls
    assert args[1:] == ("pending", "approved") and kwargs["actor"] == moderator
    post.refresh_from_db()
    assert post.comment_count == 1


def test_setup_roles_gives_moderators_the_comment_permissions(db):
    call_command("setup_roles", verbosity=0)
    moderators = set(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    )
    assert {"view_comment", "change_comment"} <= moderators
    assert "delete_comment" not in moderators  # removed (a state), never hard-deleted here
    authors = Group.objects.get(name="Authors").permissions.values_list("codename", flat=True)
    assert "view_comment" in authors and "change_comment" not in authors


def test_the_comment_admin_page_opens_and_refuses_script_links(client):
    moderator = _staff("comments.view_comment", "comments.change_comment")
    comment = make_comment(post=make_post(), url="https://ada.example")
    client.force_login(moderator)
    response = client.get(f"{CHANGELIST}{comment.pk}/change/")
    assert response.status_code == 200
    url_field = response.context["adminform"].form.fields["url"]
    with pytest.raises(ValidationError):
        url_field.clean("javascript:alert(1)")


def test_moderators_cannot_hard_delete_or_move_a_comment_in_the_admin(client):
    moderator = _staff(
        "comments.view_comment", "comments.change_comment", "comments.delete_comment"
    )
    comment = make_comment(post=make_post())
    client.force_login(moderator)
    assert client.get(f"{CHANGELIST}{comment.pk}/delete/").status_code == 403
    form = client.get(f"{CHANGELIST}{comment.pk}/change/").context["adminform"].form
    assert "post" not in form.fields and "parent" not in form.fields
    assert Comment.objects.filter(pk=comment.pk).exists()
