import contextlib

import pytest
from django.core.cache import cache

from comments import moderator
from posts.models import BlogSettings


@pytest.fixture(autouse=True)
def _permissive_moderator(monkeypatch):
    """The comments app's own tests run with its permissive defaults, as it would alone;
    the moderation app's tests cover its stricter policy."""
    monkeypatch.setattr(moderator, "_moderator", moderator.Moderator())


@pytest.fixture(autouse=True)
def _comment_settings(settings):
    """No rate limit or timing check unless a test turns them on; an empty cache each test."""
    settings.COMMENT_RATE_LIMIT = (0, 60)
    settings.COMMENT_MIN_SECONDS = 0
    cache.clear()
    yield
    with contextlib.suppress(Exception):  # a test may have swapped in a broken cache
        cache.clear()


@pytest.fixture
def blog(db):
    """The blog's settings row, so that reading a page needs no first-time write."""
    return BlogSettings.load()
