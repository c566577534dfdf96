"""Staff and commenters' data in the comment admin (issue 9): a comment added there is the
staff member's own and on record, and only those who moderate see commenters' email, IP
address and user agent."""

import re

import pytest

from comments.models import Comment
from comments.tests.factories import make_comment
from moderation.models import Decision
from posts.tests.factories import make_post

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/comments/comment/"
SECRETS = ("secret@visitor.example", "203.0.113.77", "SecretBrowser/9.9")


def _private_comment(personas):
    return make_comment(
        make_post(author=personas["author"]), body="a visitor's words",
        email=SECRETS[0], ip_address=SECRETS[1], user_agent=SECRETS[2],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "sees"), [("author", False), ("moderator", True), ("superuser", True)]
)
def test_only_those_who_moderate_see_commenters_details(personas, clients, persona, sees):
    comment = _private_comment(personas)
    client = clients[persona]
    page = client.get(f"{CHANGELIST}{comment.pk}/change/")
    assert page.status_code == 200
    assert "a visitor&#x27;s words" in page.content.decode()
    for secret in SECRETS:
        assert (secret in page.content.decode()) is sees, secret
    # nor can the list be searched or filtered by them, which would give them away
    for query in ({"q": SECRETS[0]}, {"q": SECRETS[1]}, {"email__startswith": "secret"},
                  {"ip_address": SECRETS[1]}, {"user_agent__contains": "Secret"}):  # fmt: skip
        listed = client.get(CHANGELIST, query, follow=True).content.decode()
        assert ("a visitor" in listed) is sees, query


def _management_data(html):
    """The inline formsets' management fields, as the browser sends them back."""
    return dict(re.findall(r'name="([^"]+_FORMS)"[^>]*value="(\d*)"', html))


def test_a_comment_added_in_the_admin_is_the_staff_members_own_and_logged(personas, clients):
    post = make_post(author=personas["author"])
    client = clients["moderator"]
    form_page = client.get(f"{CHANGELIST}add/")
    assert 'name="user"' not in form_page.content.decode()  # nobody to choose
    assert form_page.context["adminform"].form.initial["email"] == "moderator@example.com"
    response = client.post(f"{CHANGELIST}add/", {
        **_management_data(form_page.content.decode()),
        "post": post.pk, "parent": "", "status": "approved", "name": "The author",
        "email": "moderator@example.com", "url": "", "body": "Speaking for the author.",
        "user": personas["author"].pk,  # the old hole: the post's author, with their badge
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    comment = Comment.objects.get(body="Speaking for the author.")
    assert comment.user == personas["moderator"]
    page = clients["anonymous"].get(post.get_absolute_url()).content.decode()
    assert '<span class="comment-badge">Author</span>' not in page
    assert '<span class="comment-badge">Staff</span>' in page
    (decision,) = Decision.objects.filter(comment=comment)
    assert (decision.actor, decision.to_status) == (personas["moderator"], "approved")
    assert decision.reason == "written in the admin"


def test_editing_someone_elses_comment_in_the_admin_is_logged(personas, clients):
    comment = _private_comment(personas)
    client = clients["moderator"]
    url = f"{CHANGELIST}{comment.pk}/change/"
    form_page = client.get(url)
    assert 'name="user"' not in form_page.content.decode()  # not handed to someone else
    response = client.post(url, {
        **_management_data(form_page.content.decode()),
        "status": "approved", "name": comment.name, "email": comment.email, "url": "",
        "body": "Words put in a visitor's mouth.", "user": personas["author"].pk,
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    comment.refresh_from_db()
    assert comment.body == "Words put in a visitor's mouth." and comment.user is None
    decision = Decision.objects.filter(comment=comment).latest("pk")
    assert decision.actor == personas["moderator"]
    assert decision.reason == "edited in the admin: body"


def test_a_reply_added_in_the_admin_must_be_on_its_parents_post(personas, clients):
    """It was a 500 (Comment.save refuses it); now the form says why."""
    post, other = make_post(author=personas["author"]), make_post(author=personas["author"])
    parent = make_comment(post)
    client = clients["moderator"]
    form_page = client.get(f"{CHANGELIST}add/").content.decode()
    response = client.post(f"{CHANGELIST}add/", {
        **_management_data(form_page), "post": other.pk, "parent": parent.pk,
        "status": "approved", "name": "M", "email": "m@example.com", "url": "", "body": "Hi.",
    })  # fmt: skip
    assert response.status_code == 200
    assert "must be on the same post" in response.content.decode()
    assert not Comment.objects.filter(body="Hi.").exists()
