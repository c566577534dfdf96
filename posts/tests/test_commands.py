from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from posts.models import Page, Post
from posts.tests.factories import make_post

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_publish_scheduled_announces_only_posts_that_are_due():
    due = make_post(published_at=timezone.now() + timedelta(minutes=1))
    future = make_post(published_at=timezone.now() + timedelta(days=1))
    assert due.announced_at is None
    Post.objects.filter(pk=due.pk).update(published_at=timezone.now() - timedelta(seconds=1))

    assert "1 scheduled post(s) due" in run("publish_scheduled")
    due.refresh_from_db()
    future.refresh_from_db()
    assert due.announced_at is not None
    assert future.announced_at is None
    assert "0 scheduled post(s) due" in run("publish_scheduled")


def test_setup_roles_creates_groups_and_is_repeatable():
    run("setup_roles")
    run("setup_roles")
    editors = Group.objects.get(name="Editors")
    authors = Group.objects.get(name="Authors")
    assert editors.permissions.filter(codename="publish_post").exists()
    assert not authors.permissions.filter(codename="publish_post").exists()
    assert Group.objects.filter(name="Moderators").exists()


def test_seed_demo_loads_the_demo_once_and_prints_the_password_once():
    first = run("seed_demo")
    assert "Admin login: admin / " in first
    counts = (Post.objects.count(), Page.objects.count())
    second = run("seed_demo")
    assert "Admin login" not in second
    assert (Post.objects.count(), Page.objects.count()) == counts
    assert Post.objects.scheduled().exists()
    assert Post.objects.filter(status="draft").exists()


def test_a_post_moved_back_into_the_future_is_announced_again_when_due():
    post = make_post()
    assert post.announced_at is not None
    post.published_at = timezone.now() + timedelta(hours=1)
    post.save()
    assert post.announced_at is None
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert "1 scheduled post(s) due" in run("publish_scheduled")
