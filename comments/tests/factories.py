"""Small builders for the comments tests."""

import re
from datetime import timedelta
from itertools import count

from captcha.models import CaptchaStore
from django.contrib.auth import get_user_model
from django.utils import timezone

from comments.models import Comment
from comments.templatetags.comment_tags import comment_field, form_url
from posts.models import Post

_numbers = count(1)


def make_user(username=None, **fields):
    username = username or f"commenter{next(_numbers)}"
    fields.setdefault("email", f"{username}@example.com")
    return get_user_model().objects.create_user(username, password="pw", **fields)


def make_post(**overrides):
    """A published post (yesterday) by a new user."""
    n = next(_numbers)
    fields = {
        "title": f"Commented post {n}",
        "body": "Body.",
        "status": Post.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
        **overrides,
    }
    if "author" not in fields:
        fields["author"] = make_user()
    return Post.objects.create(**fields)


def make_comment(post, parent=None, **overrides):
    n = next(_numbers)
    fields = {"name": f"Visitor {n}", "email": f"v{n}@example.com", "body": f"Comment {n}."}
    fields.update(overrides)
    return Comment.objects.create(post=post, parent=parent, **fields)


def make_threads(post, top_level, replies_each=0):
    """``top_level`` threads, each with a chain of ``replies_each`` replies."""
    for _ in range(top_level):
        parent = make_comment(post)
        for _ in range(replies_each):
            parent = make_comment(post, parent)


def form_fields(client, post, parent=None, **overrides):
    """Fields as a browser sends them: from the reply page, with its real captcha answered."""
    parent = getattr(parent, "pk", parent)
    html = client.get(form_url("reply", post)).content.decode()  # a post's, or a page's
    key = re.search(r'name="captcha_0" value="([0-9a-f]*)"', html)
    key = key.group(1) if key else ""
    stamp = re.search(r'name="timestamp" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    data = {
        comment_field(post): post.pk,
        "parent": parent or "",
        "name": "Grace",
        "email": "grace@example.com",
        "url": "",
        "body": "A *fine* post.",
        "homepage": "",
        "timestamp": stamp,
        "submission": submission,
        "captcha_0": key,
        "captcha_1": CaptchaStore.objects.get(hashkey=key).response if key else "",
    }
    data.update(overrides)
    return data
