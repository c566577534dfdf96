"""The comment section on the post page: fixed queries, nothing written, pages by thread."""

import pytest
from captcha.models import CaptchaStore
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.tests.factories import make_comment, make_post, make_threads

pytestmark = pytest.mark.usefixtures("blog")


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_reading_a_post_writes_nothing(client):
    post = make_post()
    make_threads(post, 3, replies_each=2)
    response, queries = _get(client, post.get_absolute_url())
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in queries), queries
    assert not CaptchaStore.objects.exists()
    assert 'name="captcha_0" value=""' in response.content.decode()


def test_the_reply_page_creates_a_challenge(client):
    post = make_post()
    parent = make_comment(post, body="Answer me")
    response = client.get(reverse("comments:reply", args=[post.pk]), {"replyto": parent.pk})
    content = response.content.decode()
    assert CaptchaStore.objects.count() == 1
    key = CaptchaStore.objects.get().hashkey
    assert f'name="captcha_0" value="{key}"' in content
    assert "Answer me" in content and f'value="{parent.pk}"' in content


@pytest.mark.parametrize("replyto", ["999999", "abc"])
def test_reply_page_with_a_bad_parent(client, replyto):
    post = make_post()
    response = client.get(reverse("comments:reply", args=[post.pk]), {"replyto": replyto})
    assert response.status_code in (400, 404)


def test_post_page_query_count_is_the_same_for_10_and_300_comments(client):
    small, big = make_post(), make_post()
    make_threads(small, 5, replies_each=1)
    make_threads(big, 50, replies_each=5)
    counts = []
    for post in (small, big):
        cache.clear()
        _, cold = _get(client, post.get_absolute_url())
        _, warm = _get(client, post.get_absolute_url())
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1]
    cold, warm = counts[0]
    # only when cold: the thread's one query (the JSON-LD's comments come with it) and the
    # sidebar's three (menu, archive, labels: cached under the content version; the settings
    # come with the content version's query)
    assert (cold, warm) == (8, 4)


def test_comment_pages_and_out_of_range_pages(client, settings):
    settings.COMMENT_THREADS_PER_PAGE = 2
    post = make_post()
    make_threads(post, 3, replies_each=1)
    url = post.get_absolute_url()
    first = client.get(url).content.decode()
    assert f'href="{url}?cpage=2#comments"' in first
    second = client.get(url, {"cpage": 2}).content.decode()
    assert second.count('<li id="c') == 2
    assert client.get(url, {"cpage": 3}).status_code == 404
    assert client.get(url, {"cpage": "x"}).status_code == 404


def test_replyto_on_the_post_page_preselects_the_parent(client):
    post = make_post()
    parent = make_comment(post)
    content = client.get(post.get_absolute_url(), {"replyto": parent.pk}).content.decode()
    assert f'name="parent" value="{parent.pk}"' in content
    assert not CaptchaStore.objects.exists()
