import contextlib

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts and ends with an empty cache (the test database's rules version is
    the same in every test, so rules cached by one must not be met by the next)."""
    cache.clear()
    yield
    with contextlib.suppress(Exception):  # a test may have swapped in a broken cache
        cache.clear()
