"""Comments on pages pass the same moderation as those on posts."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.operations import add_comment
from moderation import pipeline
from moderation.models import Decision, Policy
from posts.models import Page

from .helpers import make_moderator

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:moderation_queue")


@pytest.fixture
def page():
    return Page.objects.create(title="About the ward", slug="about", body="Who we are.")


def test_the_pipeline_judges_a_page_comment_and_records_it(page):
    ordinary = add_comment(Comment(page=page, name="Ana", body="A kind word about the ward."))
    assert ordinary.status == "approved"
    spam = add_comment(
        Comment(page=page, name="Cheap", body="Buy http://a.test http://b.test http://c.test now")
    )
    assert spam.status in ("pending", "spam")
    assert Decision.objects.filter(comment=spam).exists()


def test_a_page_is_never_closed_for_age_but_closes_with_its_switch(page):
    policy = Policy.load()
    policy.close_after_days = 1
    assert pipeline.post_open(policy, page)
    page.allow_comments = False
    assert not pipeline.post_open(policy, page)


def test_the_queue_shows_a_held_page_comment_and_a_moderator_replies(client, page):
    client.force_login(make_moderator())
    comment = Comment.objects.create(page=page, name="Reader", body="Held on a page.",
                                     status="pending", score=0.6)  # fmt: skip
    content = client.get(QUEUE).content.decode()
    assert "Held on a page." in content
    assert f'href="{page.get_absolute_url()}">About the ward</a>' in content
    client.post(reverse("admin:moderation_queue_reply", args=[comment.pk]), {"body": "Thanks."})
    reply = Comment.objects.get(parent=comment)
    assert (reply.page, reply.post, reply.status) == (page, None, "approved")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "Held on a page." in html and "Thanks." in html


def test_the_admin_lists_and_changes_a_page_comment(client, page):
    client.force_login(make_moderator())
    comment = Comment.objects.create(page=page, name="Reader", body="On the page.")
    listing = client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert "About the ward" in listing
    change = reverse("admin:comments_comment_change", args=[comment.pk])
    assert client.get(change).status_code == 200
