"""Fixtures shared by the site-wide tests (permissions, fuzzing, captcha)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from posts.models import BlogSettings
from posts.tests.factories import make_user

# Every staff role, the superuser, and the two kinds of visitor the admin must turn away.
STAFF = ("author", "other_author", "editor", "moderator", "superuser")
PERSONAS = (*STAFF, "user", "anonymous")
GROUPS = {
    "author": "Authors",
    "other_author": "Authors",
    "editor": "Editors",
    "moderator": "Moderators",
}


@pytest.fixture
def blog(db):
    """The blog's settings row, so that reading a page needs no first-time write."""
    return BlogSettings.load()


@pytest.fixture
def personas(blog):
    """``{name: user}`` for every persona (``None`` for the anonymous visitor), with the
    groups ``manage.py setup_roles`` builds."""
    call_command("setup_roles", verbosity=0)
    users = {"anonymous": None, "user": make_user("plain")}
    users["superuser"] = make_user("root", superuser=True)
    for name, group in GROUPS.items():
        users[name] = make_user(name, staff=True)
        users[name].groups.add(Group.objects.get(name=group))
    return users


@pytest.fixture
def clients(personas):
    """``{name: Client}`` logged in as each persona; a 500 is returned, not raised."""
    result = {}
    for name, user in personas.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        result[name] = client
    return result


@pytest.fixture
def open_comments(settings):
    """No rate limit and no minimum time, so that each request reaches the checks under test."""
    settings.COMMENT_RATE_LIMIT = (0, 60)
    settings.COMMENT_MIN_SECONDS = 0
