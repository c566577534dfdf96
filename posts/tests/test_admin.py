"""Roles in the admin, as a matrix: who may list, open, change and publish posts."""

import pytest
from django.urls import reverse

from posts.models import Post
from posts.tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "author": make_user("author", staff=True, groups=["Authors"]),
        "other_author": make_user("other", staff=True, groups=["Authors"]),
        "editor": make_user("editor", staff=True, groups=["Editors"]),
        "moderator": make_user("moderator", staff=True, groups=["Moderators"]),
        "plain": make_user("plain"),
    }


def login(client, people, who):
    if who != "anonymous":
        client.force_login(people[who])


CHANGE_OWN_POST = {
    "author": 200,
    "other_author": "hidden",
    "editor": 200,
    "moderator": 403,
    "plain": 302,
    "anonymous": 302,
}


@pytest.mark.parametrize("who,expected", CHANGE_OWN_POST.items())
def test_who_may_open_an_authors_post_in_the_admin(client, people, who, expected):
    post = make_post(author=people["author"])
    login(client, people, who)
    response = client.get(reverse("admin:posts_post_change", args=[post.pk]))
    if expected == "hidden":  # the admin answers as if the post did not exist
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
        return
    assert response.status_code == expected
    if expected == 302:
        assert "/admin/login/" in response["Location"]


def test_author_lists_only_their_own_posts(client, people):
    mine = make_post(author=people["author"], title="Mine")
    make_post(author=people["other_author"], title="Theirs")
    client.force_login(people["author"])
    response = client.get(reverse("admin:posts_post_changelist"))
    assert list(response.context["cl"].result_list) == [mine]


def test_editor_lists_every_post(client, people):
    make_post(author=people["author"])
    make_post(author=people["other_author"])
    client.force_login(people["editor"])
    response = client.get(reverse("admin:posts_post_changelist"))
    assert len(response.context["cl"].result_list) == 2


def full_form(post, **changes):
    """Every field of the post's admin form, as a browser would send it."""
    return {
        "title": post.title, "slug": post.slug, "body": post.body, "tags": "",
        "publish": "now" if post.is_public else "draft", "allow_comments": "on",
        "summary": "", "body_format": "markdown", "author": post.author_id, **changes,
    }  # fmt: skip


def test_author_cannot_change_another_authors_post_by_post(client, people):
    post = make_post(author=people["other_author"], title="Theirs")
    url = reverse("admin:posts_post_change", args=[post.pk])
    client.force_login(people["author"])
    response = client.post(url, full_form(post, title="Hijacked"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    post.refresh_from_db()
    assert post.title == "Theirs"
    # the same form from an editor does change it: the refusal above is the permission
    client.force_login(people["editor"])
    assert client.post(url, full_form(post, title="Edited")).status_code == 302
    post.refresh_from_db()
    assert post.title == "Edited"


def test_author_writes_a_post_that_is_theirs(client, people):
    client.force_login(people["author"])
    response = client.post(
        reverse("admin:posts_post_add"),
        {
            "title": "My first post",
            "slug": "my-first-post",
            "body": "Hello *readers*",
            "tags": "teaching, Twitter",
            "publish": "now",
            "allow_comments": "on",
            "summary": "",
            "body_format": "markdown",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get(slug="my-first-post")
    assert post.author == people["author"]
    assert post.body_html == "<p>Hello <em>readers</em></p>"
    assert sorted(post.tags.names()) == ["Twitter", "teaching"]


def test_only_editors_get_the_bulk_publish_action(client, people):
    draft = make_post(author=people["author"], status="draft")
    client.force_login(people["author"])
    response = client.get(reverse("admin:posts_post_changelist"))
    assert "publish" not in response.context["action_form"].fields["action"].choices.__repr__()

    client.force_login(people["editor"])
    client.post(
        reverse("admin:posts_post_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_public


def test_admin_marks_scheduled_posts(client, people):
    from datetime import timedelta

    from django.utils import timezone

    make_post(author=people["editor"], published_at=timezone.now() + timedelta(days=2))
    client.force_login(people["editor"])
    response = client.get(reverse("admin:posts_post_changelist"))
    assert b"Scheduled" in response.content


@pytest.mark.parametrize(
    "who,expected", [("editor", 200), ("author", 403), ("moderator", 403), ("anonymous", 302)]
)
def test_blog_settings_are_for_editors(client, people, who, expected):
    login(client, people, who)
    assert client.get(reverse("admin:posts_blogsettings_changelist")).status_code == expected


class TestEditorEndpoints:
    """markdownx's preview and upload are for staff only."""

    def test_anonymous_and_plain_users_are_refused(self, client, people):
        for who in ("anonymous", "plain"):
            login(client, people, who)
            for url in ("/markdownx/markdownify/", "/markdownx/upload/"):
                response = client.post(url, {"content": "x"})
                assert response.status_code == 302
                assert "/admin/login/" in response["Location"]

    def test_staff_preview_uses_the_public_renderer(self, client, people):
        client.force_login(people["author"])
        response = client.post("/markdownx/markdownify/", {"content": "**hi** <script>x</script>"})
        assert response.status_code == 200
        assert response.content == b"<p><strong>hi</strong> </p>"

    def test_preview_without_content_is_a_400(self, client, people):
        client.force_login(people["author"])
        assert client.post("/markdownx/markdownify/", {}).status_code == 400
        assert client.get("/markdownx/markdownify/").status_code == 405
