"""Small builders for tests: ``make_post(**overrides)`` and friends."""

from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from posts.models import Page, Post

_numbers = count(1)


def make_user(username=None, *, staff=False, superuser=False, groups=(), **fields):
    username = username or f"user{next(_numbers)}"
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw", is_staff=staff or superuser,
        is_superuser=superuser, **fields,
    )  # fmt: skip
    if groups:
        call_command("setup_roles", verbosity=0)
        user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def make_post(*, tags=(), **overrides):
    n = next(_numbers)
    fields = {
        "title": f"Post number {n}",
        "body": f"Body of post {n}.",
        "status": Post.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
        **overrides,
    }
    if "author" not in fields:
        fields["author"] = make_user()
    post = Post.objects.create(**fields)
    if tags:
        post.tags.add(*tags)
    return post


def make_page(**overrides):
    n = next(_numbers)
    return Page.objects.create(**{"title": f"Page {n}", "body": "About *us*.", **overrides})
