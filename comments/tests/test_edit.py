from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from comments.tests.factories import form_fields, make_comment, make_post

pytestmark = pytest.mark.usefixtures("blog")


@pytest.fixture
def posted(client):
    post = make_post()
    client.post("/comments/post/", form_fields(client, post, body="Frist!"))
    return Comment.objects.get()


def test_the_commenter_may_edit_within_15_minutes(client, posted, monkeypatch):
    from comments.moderator import Moderator

    calls = []
    monkeypatch.setattr(Moderator, "record", lambda self, *a, **kw: calls.append(a))
    url = f"/comments/{posted.pk}/edit/"
    assert "Frist!" in client.get(url).content.decode()
    response = client.post(url, {"body": "First!"})
    assert response.status_code == 302
    posted.refresh_from_db()
    assert posted.body == "First!" and posted.body_html == "<p>First!</p>"
    assert calls[0][1:] == ("approved", "approved")


def test_an_edit_is_judged_again(client, posted, monkeypatch):
    from comments.moderator import Moderator, Verdict

    monkeypatch.setattr(Moderator, "evaluate", lambda self, c: Verdict("hold", 0.4, ["edited"]))
    client.post(f"/comments/{posted.pk}/edit/", {"body": "Now with a link http://x.example"})
    posted.refresh_from_db()
    assert posted.status == Comment.Status.PENDING


def test_an_empty_edit_is_400(client, posted):
    assert client.post(f"/comments/{posted.pk}/edit/", {"body": ""}).status_code == 400


def test_editing_is_refused_after_15_minutes(client, posted):
    Comment.objects.filter(pk=posted.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    assert client.get(f"/comments/{posted.pk}/edit/").status_code == 403
    assert client.post(f"/comments/{posted.pk}/edit/", {"body": "late"}).status_code == 403


def test_another_browser_cannot_edit(client, posted):
    client.cookies.clear()
    assert client.get(f"/comments/{posted.pk}/edit/").status_code == 403
    other = make_comment(posted.post)
    assert client.get(f"/comments/{other.pk}/edit/").status_code == 403


def test_a_forged_edit_cookie_is_refused(client, posted):
    client.cookies["comment_edit"] = str(posted.pk)
    assert client.get(f"/comments/{posted.pk}/edit/").status_code == 403


def test_delete_asks_first_and_then_removes(client, posted):
    # the edit page links to a confirmation; neither it nor a bare POST deletes anything
    edit_page = client.get(f"/comments/{posted.pk}/edit/").content.decode()
    assert f'class="button button-danger" href="/comments/{posted.pk}/delete/"' in edit_page
    for response in (
        client.get(f"/comments/{posted.pk}/delete/"),
        client.post(f"/comments/{posted.pk}/delete/"),
    ):
        assert response.status_code == 200
        content = response.content.decode()
        assert "you cannot undo this" in content
        assert 'class="button-danger"' in content and 'name="confirm" value="yes"' in content
    posted.refresh_from_db()
    assert posted.status == Comment.Status.APPROVED

    response = client.post(f"/comments/{posted.pk}/delete/", {"confirm": "yes"}, follow=True)
    assert response.redirect_chain == [(posted.post.get_absolute_url() + "#comments", 302)]
    assert "Your comment has been deleted." in response.content.decode()
    posted.refresh_from_db()
    assert posted.status == Comment.Status.REMOVED
    posted.post.refresh_from_db()
    assert posted.post.comment_count == 0
    assert client.post(f"/comments/{posted.pk}/delete/", {"confirm": "yes"}).status_code == 403


def test_two_comments_from_one_browser_are_both_editable(client, posted):
    client.post("/comments/post/", form_fields(client, posted.post, body="Second"))
    second = Comment.objects.latest("pk")
    assert client.get(f"/comments/{posted.pk}/edit/").status_code == 200
    assert client.get(f"/comments/{second.pk}/edit/").status_code == 200
    assert client.cookies["comment_edit_ids"].value == f"{second.pk}.{posted.pk}"


def test_edits_count_against_the_comment_rate_limit(client, posted, settings, limiter_clock):
    """Each edit is rendered and judged again: it shares the per-address counter with new
    comments, and once over it the form comes back with the text kept."""
    settings.COMMENT_RATE_LIMIT = (2, 60)
    url = f"/comments/{posted.pk}/edit/"
    assert client.post("/comments/post/", form_fields(client, posted.post)).status_code == 302
    assert client.post(url, {"body": "Edit one"}).status_code == 302
    response = client.post(url, {"body": "Edit two, kept"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Edit two, kept" in response.content.decode()
    posted.refresh_from_db()
    assert posted.body == "Edit one"
    assert client.post("/comments/post/", form_fields(client, posted.post)).status_code == 429
