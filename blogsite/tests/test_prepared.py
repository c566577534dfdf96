"""``blogsite.prepared``: a query compiled once gives each call's own rows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from blogsite import prepared
from posts.models import Post
from posts.tests.factories import make_post

pytestmark = pytest.mark.django_db


def _titles(now, pk):
    return Post.objects.published(now).filter(pk__gte=pk).order_by("pk").values_list("title")


def test_each_call_fills_in_its_own_values_and_the_sql_is_made_once():
    now = timezone.now()
    first = make_post(title="First", published_at=now - timedelta(days=2))
    second = make_post(title="Second", published_at=now - timedelta(days=1))
    prepared._compiled.cache_clear()
    assert prepared.rows(_titles, values=[now, first.pk]) == [("First",), ("Second",)]
    assert prepared.rows(_titles, values=[now, second.pk]) == [("Second",)]
    # the time is a value too: a day and a half ago, only the first had been published
    assert prepared.rows(_titles, values=[now - timedelta(hours=36), first.pk]) == [("First",)]
    assert prepared._compiled.cache_info().misses == 1


def test_dates_come_back_converted_as_a_queryset_gives_them():
    post = make_post(title="Dated")
    [(when,)] = prepared.rows(
        lambda pk: Post.objects.filter(pk=pk).values_list("published_at"), values=[post.pk]
    )
    assert when == Post.objects.get(pk=post.pk).published_at
