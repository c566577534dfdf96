import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The policy is cached: each test starts and ends with an empty cache."""
    cache.clear()
    yield
    cache.clear()
