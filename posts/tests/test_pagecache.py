"""Whole reader pages for anonymous readers (``posts.pagecache``, issue 15): served from the
cache with one query, never stale, never shared with staff or a visitor who has something of
their own on the page, answered 304 when the reader holds the page already."""

import gzip
import re
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from comments import operations, tokens
from comments.models import Comment
from comments.tests.factories import make_comment
from moderation import trust
from moderation.models import Policy
from moderation.tests.test_rules_version import SERVER as RULES_SERVER
from posts import pagecache
from posts.models import BlogSettings, Page, Post, SiteVersion
from posts.tests.factories import make_page, make_post, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True
    settings.COMMENT_MIN_SECONDS = 0
    settings.COMMENT_RATE_LIMIT = (0, 60)


@pytest.fixture
def no_captcha(db):
    """The captcha has its own tests; here the form's other tokens are the point."""
    policy = Policy.load()
    policy.captcha_anonymous = False
    policy.save()


def _title_behind_the_caches_back(post, title):
    """A change no signal sees: a page that shows it was rendered for this request."""
    Post.objects.filter(pk=post.pk).update(title=title)


def _signed(client, name, salt, value):
    """A cookie signed as the site signs it (Django 6.1 composes the cookie salt anew)."""
    response = HttpResponse()
    response.set_signed_cookie(name, value, salt=salt)
    client.cookies[name] = response.cookies[name].value


def _long_ago():
    """The versions' times an hour back, so that Last-Modified is sent (a second's end)."""
    hour_ago = timezone.now() - timedelta(hours=1)
    SiteVersion.objects.update(content_at=hour_ago, comments_at=hour_ago)
    Post.objects.update(comments_changed_at=hour_ago)


# --- hits ----------------------------------------------------------------------------------------


def test_a_cold_post_page_costs_eight_queries_with_the_whole_cache_empty(
    client, django_assert_num_queries
):
    """Issue 15's goal (at most 8): the version query brings the settings' and the moderation
    policy's rows, so neither they nor the rules' version are read on their own."""
    from django.core.cache import cache

    post = make_post(title="Tide tables", tags=["sea"])
    make_post(title="An older post", published_at=timezone.now() - timedelta(days=3))
    for n in range(3):
        make_comment(post, body=f"Spring tides {n}.")
    client.get(post.get_absolute_url())
    cache.clear()
    # version (with settings and policy), post, its tags, newer and older, the thread, then
    # the sidebar: menu pages, archive months, labels
    with django_assert_num_queries(8):
        page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert "Leave a comment" in page.text  # the policy read with the version: comments open
    assert "<title>Tide tables · blogsite</title>" in page.text  # the settings' title
    make_comment(post, body="A new one.")
    with django_assert_num_queries(5):  # the sidebar stays cached: version, post, tags,
        assert "A new one." in client.get(post.get_absolute_url()).text  # neighbours, thread


def test_a_warm_post_page_costs_one_query_and_is_the_same_page(client, django_assert_num_queries):
    post = make_post(title="Tide tables")
    make_comment(post, body="Spring tides are higher.")
    first = client.get(post.get_absolute_url())
    assert first.status_code == 200
    with django_assert_num_queries(1):
        again = client.get(post.get_absolute_url())
    assert again.status_code == 200
    assert again.content == first.content
    assert "Spring tides are higher." in again.content.decode()


@pytest.mark.parametrize("name", ["index", "tag", "page", "feed", "sitemap"])
def test_warm_lists_pages_feeds_and_the_sitemap_cost_one_query(
    client, django_assert_num_queries, name
):
    post = make_post(title="Harbour lights", tags=["sea"])
    url = {
        "index": "/", "tag": "/tag/sea/", "page": make_page(title="About").get_absolute_url(),
        "feed": reverse("posts:feed"), "sitemap": "/sitemap.xml",
    }[name]  # fmt: skip
    first = client.get(url)
    assert first.status_code == 200
    _title_behind_the_caches_back(post, "Changed without a signal")
    with django_assert_num_queries(1):
        again = client.get(url)
    assert again.content == first.content


def test_head_gets_the_headers_of_the_cached_page_and_no_body(client):
    post = make_post()
    full = client.get(post.get_absolute_url())
    head = client.head(post.get_absolute_url())
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == str(len(full.content))
    assert head["ETag"] == full["ETag"]


# --- conditional requests -----------------------------------------------------------------------


def test_if_none_match_answers_304_with_one_query_and_no_body(client, django_assert_num_queries):
    post = make_post()
    etag = client.get(post.get_absolute_url())["ETag"]
    assert etag.startswith('W/"')
    with django_assert_num_queries(1):
        response = client.get(post.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"].startswith("public")


def test_the_etag_comes_from_the_version_so_a_304_needs_no_cached_body(client, settings):
    post = make_post()
    etag = client.get(post.get_absolute_url())["ETag"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get(post.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 304


def test_if_modified_since_answers_304_until_the_page_changes(client, django_assert_num_queries):
    post = make_post()
    _long_ago()
    first = client.get(post.get_absolute_url())
    since = first["Last-Modified"]
    with django_assert_num_queries(1):
        response = client.get(post.get_absolute_url(), headers={"if-modified-since": since})
    assert response.status_code == 304
    make_comment(post, body="A new comment moves the page on.")
    response = client.get(post.get_absolute_url(), headers={"if-modified-since": since})
    assert response.status_code == 200
    assert "A new comment moves the page on." in response.content.decode()


def test_an_old_etag_gets_the_new_page(client):
    post = make_post()
    etag = client.get(post.get_absolute_url())["ETag"]
    make_comment(post, body="Written after the reader's copy.")
    response = client.get(post.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200 and response["ETag"] != etag
    assert "Written after the reader's copy." in response.content.decode()


def test_last_modified_is_not_sent_within_the_second_of_the_change(client, monkeypatch):
    post = make_post()
    _long_ago()
    changed = timezone.now().replace(microsecond=200_000)
    Post.objects.filter(pk=post.pk).update(comments_changed_at=changed)
    # within that second a second change could follow, unseen by a date in whole seconds
    monkeypatch.setattr(timezone, "now", lambda: changed + timedelta(milliseconds=300))
    response = client.get(post.get_absolute_url())
    assert "Last-Modified" not in response
    since = http_date(changed.timestamp() + 1)
    assert (
        client.get(post.get_absolute_url(), headers={"if-modified-since": since}).status_code == 200
    )
    monkeypatch.setattr(timezone, "now", lambda: changed + timedelta(seconds=2))
    response = client.get(post.get_absolute_url())
    assert response["Last-Modified"] == http_date(changed.timestamp() + 1)  # rounded up


# --- headers -------------------------------------------------------------------------------------


def test_reader_headers_on_a_fill_and_on_a_hit(client):
    post = make_post()
    for response in (client.get(post.get_absolute_url()), client.get(post.get_absolute_url())):
        assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
        vary = [v.strip() for v in response["Vary"].split(",")]
        assert "Accept-Encoding" in vary and "Cookie" in vary
        assert response["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "nonce" not in response["Content-Security-Policy"]
        assert response["Content-Type"].startswith("text/html")
        assert response["Link"].endswith('rel="webmention"')
        assert "Set-Cookie" not in response and not response.cookies


def test_gzip_is_sent_to_who_accepts_it_compressed_once(client, monkeypatch):
    post = make_post(body="Words " * 500)
    plain = client.get(post.get_absolute_url()).content
    first = client.get(post.get_absolute_url(), headers={"accept-encoding": "gzip"})
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: pytest.fail("compressed again"))
    for response in (
        first,
        client.get(post.get_absolute_url(), headers={"accept-encoding": "gzip"}),
    ):
        assert response["Content-Encoding"] == "gzip"
        assert response["Content-Length"] == str(len(response.content))
        assert gzip.decompress(response.content) == plain
        assert len(response.content) < len(plain)


def test_a_fill_compresses_only_what_its_request_accepts(client, monkeypatch):
    """Compressing every encoding on a fill was 40% of a cold 1,000-comment page; the others
    are compressed when first asked for (above)."""
    post = make_post(body="Words " * 500)
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: pytest.fail("gzip not asked for"))
    if pagecache.brotli is not None:
        monkeypatch.setattr(pagecache.brotli, "compress", lambda *a, **k: pytest.fail("br"))
    response = client.get(post.get_absolute_url())
    assert "Content-Encoding" not in response and b"Words Words" in response.content
    assert client.get(post.get_absolute_url()).content == response.content  # a hit


@pytest.mark.skipif(pagecache.brotli is None, reason="the brotli package is not installed")
def test_brotli_is_preferred_when_accepted(client):
    post = make_post(body="Words " * 500)
    plain = client.get(post.get_absolute_url()).content
    response = client.get(post.get_absolute_url(), headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "br"
    assert pagecache.brotli.decompress(response.content) == plain


def test_an_encoding_refused_with_q_0_is_not_sent(client):
    post = make_post()
    client.get(post.get_absolute_url())
    response = client.get(post.get_absolute_url(), headers={"accept-encoding": "gzip;q=0, br;q=0"})
    assert "Content-Encoding" not in response


# --- who bypasses ------------------------------------------------------------------------------


def test_staff_never_get_the_cached_reader_page_nor_readers_the_staff_one(client):
    post = make_post()
    reader_page = client.get(post.get_absolute_url()).content.decode()
    assert "Commenting as" not in reader_page
    staff = Client()
    staff.force_login(make_user("editor", staff=True, first_name="Edith"))
    page = staff.get(post.get_absolute_url())
    assert "Commenting as Edith" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    staff.get(post.get_absolute_url())  # twice: nothing of theirs is stored
    again = client.get(post.get_absolute_url())
    assert "Commenting as" not in again.content.decode()
    assert again["Cache-Control"].startswith("public")


def test_staff_see_a_draft_preview_and_it_is_never_cached(client):
    draft = make_post(status=Post.Status.DRAFT, title="Not yet")
    staff = Client()
    staff.force_login(make_user("boss", superuser=True))
    assert "this is a draft" in staff.get(draft.get_absolute_url()).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_visitor_with_a_held_comment_sees_it_on_a_cached_page_others_do_not(client):
    post = make_post()
    client.get(post.get_absolute_url())  # cached for readers
    held = make_comment(post, body="Mine, awaiting a moderator.", status=Comment.Status.PENDING)
    author = Client()
    _signed(author, tokens.MINE_COOKIE, "comments.mine", f"{post.pk}-{held.pk}")
    mine = author.get(post.get_absolute_url())
    assert "Mine, awaiting a moderator." in mine.content.decode()
    assert mine["Cache-Control"] == "private, no-store"
    assert "Mine, awaiting a moderator." not in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "cookie",
    ["edit", "messages", "author", "trust"],
)
def test_personal_cookies_bypass_the_cache(client, cookie):
    post = make_post(title="Old title")
    client.get(post.get_absolute_url())
    visitor = Client()
    if cookie == "edit":
        _signed(visitor, tokens.EDIT_COOKIE, "comments.edit", "1")
    elif cookie == "messages":
        storage = CookieStorage(visitor.request().wsgi_request)
        visitor.cookies["messages"] = storage._encode([])
    elif cookie == "author":
        _signed(visitor, tokens.AUTHOR_COOKIE, "comments.author", '{"name": "Ann"}')
    else:
        _signed(visitor, trust.COOKIE, trust.SALT, "1")
    _title_behind_the_caches_back(post, "New title")
    response = visitor.get(post.get_absolute_url())
    assert "New title" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert "Old title" in client.get(post.get_absolute_url()).content.decode()  # readers: cached


def test_a_message_after_posting_is_shown_once_and_never_cached(client, no_captcha):
    post = make_post()
    client.get(post.get_absolute_url())
    visitor = Client()
    data = _form_from_the_start_endpoint(visitor, post)
    landed = visitor.post(reverse("comments:post"), data, follow=True)
    assert "Thank you!" in landed.content.decode()
    assert landed["Cache-Control"] == "private, no-store"
    assert "Thank you!" not in client.get(post.get_absolute_url()).content.decode()


def test_query_strings_key_the_page_or_bypass_it(client):
    post = make_post(title="Old title")
    for _ in range(12):
        make_post()
    assert client.get("/?page=2").status_code == 200
    client.get(post.get_absolute_url())
    _title_behind_the_caches_back(post, "New title")
    # another page of the list is another entry; junk and unknown parameters are not stored
    assert client.get("/?page=2").content != client.get("/").content
    assert "New title" in client.get(post.get_absolute_url() + "?utm_source=x").content.decode()
    assert "New title" in client.get(post.get_absolute_url() + "?replyto=1").content.decode()
    assert "Old title" in client.get(post.get_absolute_url()).content.decode()


def test_show_comment_links_still_land_on_the_comment(client):
    post = make_post()
    comment = make_comment(post)
    client.get(post.get_absolute_url())
    millis = int(comment.created_at.timestamp() * 1000)
    response = client.get(f"{post.get_absolute_url()}?showComment={millis}")
    assert response.status_code == 301
    assert response["Location"].endswith(f"#c{comment.pk}")


def test_only_200s_are_stored(client):
    assert client.get("/tag/later/").status_code == 404
    make_post(tags=["later"])
    assert client.get("/tag/later/").status_code == 200


def test_post_requests_are_never_served_from_the_cache(client):
    post = make_post()
    client.get(post.get_absolute_url())
    assert client.post(post.get_absolute_url()).status_code == 405


def test_page_cache_off_leaves_the_pages_alone(client, settings):
    settings.PAGE_CACHE = False
    post = make_post(title="Old title")
    response = client.get(post.get_absolute_url())
    assert "ETag" not in response and "Cache-Control" not in response
    _title_behind_the_caches_back(post, "New title")
    assert "New title" in client.get(post.get_absolute_url()).content.decode()


def test_a_cache_outage_still_serves_the_page(client, settings, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": "redis://127.0.0.1:1/0",
                    "OPTIONS": {"socket_connect_timeout": 0.1}}
    }  # fmt: skip
    post = make_post(title="Still here")
    assert "Still here" in client.get(post.get_absolute_url()).content.decode()
    assert "page cache unavailable" in caplog.text


# --- the comment form on a cached page ---------------------------------------------------------


def _form_from_the_start_endpoint(visitor, post):
    """The fields a browser sends from the cached post page: its static form, plus what
    comments.js fetches from the start endpoint when writing starts."""
    html = visitor.get(post.get_absolute_url()).content.decode()
    start = re.search(r'data-start-url="([^"]+)"', html).group(1)
    started = visitor.get(start, headers={"x-requested-with": "XMLHttpRequest"}).json()
    key = re.search(r'name="captcha_0" value="([0-9a-f]*)"', html)
    return {
        "post": post.pk, "parent": "", "name": "Grace", "email": "grace@example.com",
        "url": "", "body": "Through the cached page.", "homepage": "",
        "timestamp": started["timestamp"], "submission": started["submission"],
        "csrfmiddlewaretoken": started["csrf"],
        "captcha_0": key.group(1) if key else "", "captcha_1": "",
    }  # fmt: skip


def test_the_cached_form_holds_no_token_of_anyone_and_the_start_endpoint_gives_them(no_captcha):
    post = make_post()
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(post.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in html
    assert 'name="timestamp" value=""' in html and 'name="submission" value=""' in html
    assert "csrftoken" not in visitor.cookies  # a cached page sets no cookie
    data = _form_from_the_start_endpoint(visitor, post)
    assert "csrftoken" in visitor.cookies  # set by the start endpoint, for the POST
    response = visitor.post(reverse("comments:post"), data)
    errors = re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    assert response.status_code == 302, errors
    assert Comment.objects.get(post=post).body == "Through the cached page."


def test_the_reply_page_without_javascript_has_its_own_tokens(client):
    post = make_post()
    html = client.get(reverse("comments:reply", args=[post.pk])).content.decode()
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', html)
    assert re.search(r'name="timestamp" value="[^"]+"', html)
    assert "csrftoken" in client.cookies


# --- invalidation: the next request sees the change ------------------------------------------------


def _warm(client, url):
    client.get(url)
    return lambda: client.get(url).content.decode()


def test_a_new_approved_comment_shows_on_the_post_and_in_the_lists_counts(client):
    post = make_post(title="Counted")
    page, index = _warm(client, post.get_absolute_url()), _warm(client, "/")
    assert "0 comments" in index()
    make_comment(post, body="First!")
    assert "First!" in page()
    assert "1 comment<" in index()


def test_an_edited_comment_shows_edited(client):
    post = make_post()
    comment = make_comment(post, body="Teh typo.")
    page = _warm(client, post.get_absolute_url())
    operations.edit_comment(comment, "The typo, mended.")
    assert "The typo, mended." in page() and "Teh typo." not in page()


def test_a_removed_comment_goes(client):
    post = make_post()
    comment = make_comment(post, body="Buy pills.")
    page = _warm(client, post.get_absolute_url())
    operations.set_status(comment, Comment.Status.REMOVED)
    assert "Buy pills." not in page()


def test_publishing_a_draft_and_editing_a_post_show_at_once(client):
    draft = make_post(status=Post.Status.DRAFT, title="Fresh off the press")
    index = _warm(client, "/")
    assert "Fresh off the press" not in index()
    draft.status = Post.Status.PUBLISHED
    draft.save()
    assert "Fresh off the press" in index()
    page = _warm(client, draft.get_absolute_url())
    draft.title = "Fresh, and edited"
    draft.save()
    assert "Fresh, and edited" in page() and "Fresh, and edited" in index()
    draft.status = Post.Status.DRAFT
    draft.save()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Fresh, and edited" not in index()


def test_a_scheduled_post_appears_on_time_with_no_job_running(client, monkeypatch):
    now = timezone.now()
    make_post(title="Later today", published_at=now + timedelta(hours=2))
    make_post(title="Later still", published_at=now + timedelta(hours=3))
    index = _warm(client, "/")
    assert "Later today" not in index()
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2, minutes=1))
    assert "Later today" in index() and "Later still" not in index()
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=3, minutes=1))
    assert "Later still" in index()


def test_publish_scheduled_moves_the_version_on(db):
    post = make_post(published_at=timezone.now() + timedelta(hours=1))
    before = SiteVersion.objects.get()
    assert before.next_publish_at == post.published_at
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    from django.core.management import call_command

    call_command("publish_scheduled", verbosity=0)
    after = SiteVersion.objects.get()
    assert after.content != before.content and after.next_publish_at is None


def test_a_deploy_that_migrates_serves_no_page_cached_by_the_old_code(client):
    """Templates change with a deploy, not with a row: ``migrate`` moves the version on."""
    from django.core.management import call_command

    post = make_post()
    first = client.get(post.get_absolute_url())
    call_command("migrate", verbosity=0)
    again = client.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_blog_settings_and_pages_show_at_once(client):
    index = _warm(client, "/")
    settings_row = BlogSettings.load()
    settings_row.title = "The Harbour Log"
    settings_row.save()
    assert "The Harbour Log" in index()
    make_page(title="Timetables")  # the menu
    assert "Timetables" in index()
    Page.objects.get(title="Timetables").delete()
    assert "Timetables" not in index()


def test_a_tag_added_to_a_post_shows_in_the_sidebar(client):
    post = make_post()
    index = _warm(client, "/")
    post.tags.add("lighthouses")
    assert "lighthouses" in index()


def test_closing_comments_in_the_policy_shows_at_once(client):
    post = make_post()
    page = _warm(client, post.get_absolute_url())
    assert "Leave a comment" in page()
    policy = Policy.load()
    policy.comments_allowed = False
    policy.save()
    assert "Comments are closed." in page()


# --- two processes, each with its own local-memory cache -------------------------------------------

# The web process (the rules-version test's), printing the post's URL instead of its id.
SERVER = RULES_SERVER.replace("post.pk,", "post.get_absolute_url(),")
assert SERVER != RULES_SERVER

# The other process (an operator's shell, a second app server): a comment, an edit, a publish.
CHANGE = """
from comments.models import Comment
from posts.models import Post
post = Post.objects.get(title="Ferries of the Indian Ocean")
Comment.objects.create(post=post, name="Ann", email="ann@example.com", body="The dhow left at dawn.")
post.title = "Ferries and dhows of the Indian Ocean"
post.save()
Post.objects.create(title="Monsoon crossings", author=post.author, status="published")
"""


def test_a_change_in_one_process_is_seen_by_another_on_its_next_request(db, tmp_path):
    from moderation.tests.test_rules_version import (
        _environment,
        _shared_database,
        run_shell,
        web_process,
    )

    path = tmp_path / "shared.sqlite3"
    environment = {**_environment(path), "PAGE_CACHE": "1"}
    _shared_database(path, environment)
    with web_process(environment, SERVER) as started:
        base, post_url = f"http://127.0.0.1:{started[0]}", started[1]

        def get(url, **headers):
            try:
                asked = urllib.request.Request(base + url, headers=headers)  # noqa: S310 (loopback)
                with urllib.request.urlopen(asked, timeout=60) as answer:  # noqa: S310
                    return answer.status, dict(answer.headers), answer.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), ""

        get(post_url), get("/")  # both cached in the web process
        status, headers, page = get(post_url)
        etag = headers["ETag"]
        assert status == 200 and "The dhow left at dawn." not in page
        assert get(post_url, **{"If-None-Match": etag})[0] == 304

        run_shell(environment, CHANGE)

        # the web process's cache still holds the old pages: they must not be served
        status, headers, page = get(post_url)
        assert "The dhow left at dawn." in page
        assert "Ferries and dhows of the Indian Ocean" in page
        assert get(post_url, **{"If-None-Match": etag})[0] == 200
        assert "Monsoon crossings" in get("/")[2]


def test_a_fediverse_client_gets_the_article_not_the_cached_page(client, settings):
    settings.FEDERATION = True
    post = make_post(title="Across the strait")
    page = client.get(post.get_absolute_url())
    assert "Accept" in page["Vary"]
    article = client.get(post.get_absolute_url(), headers={"accept": "application/activity+json"})
    assert article["Content-Type"].startswith("application/activity+json")
    assert article.json()["name"] == "Across the strait"
    assert client.get(post.get_absolute_url()).content == page.content


# --- the per-process tier in front of Redis --------------------------------------------------


def test_the_local_tier_keeps_its_bound_dropping_the_least_recently_used():
    tier = pagecache._LocalTier(limit=1000)
    for n in range(4):
        tier.put(f"k{n}", b"m", b"x" * 199)  # 200 bytes each
    assert tier.get("k0") == (b"m", b"x" * 199)  # k0 used again: k1 is now the oldest
    tier.put("k4", b"m", b"y" * 239)  # 1,040 bytes in all: the oldest goes
    assert tier.size <= 1000
    assert tier.get("k1") is None
    assert tier.get("k0") is not None and tier.get("k4") is not None
    tier.put("huge", b"m", b"z" * 600)  # more than a quarter of the bound: not kept
    assert tier.get("huge") is None


def test_the_local_tier_drops_an_entry_as_old_as_redis_would(monkeypatch):
    tier = pagecache._LocalTier(limit=1000)
    tier.put("k", b"m", b"body")
    now = pagecache.time.monotonic()
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now + pagecache.ENTRY_SECONDS + 1)
    assert tier.get("k") is None
    assert tier.size == 0


class _FakeRedis:
    def __init__(self):
        self.data, self.mgets = {}, 0

    def mget(self, keys):
        self.mgets += 1
        return [self.data.get(k) for k in keys]


@pytest.fixture
def fake_redis(monkeypatch):
    """The page cache's Redis store over a ``_FakeRedis``, with a per-process tier before it."""
    fake = _FakeRedis()
    monkeypatch.setattr(pagecache, "_local_tier", lambda: pagecache._LocalTier(10**7))
    store = pagecache._RedisStore(pagecache.caches["default"])
    store._client = lambda write: fake
    store._key = lambda key, part: f"{key}:{part}"
    store.set = lambda key, parts: fake.data.update({f"{key}:{p}": v for p, v in parts.items()})
    monkeypatch.setattr(pagecache, "store", lambda: store)
    return fake


def test_with_redis_a_hit_is_served_from_the_tier_and_a_change_is_still_seen(client, fake_redis):
    """The tier is keyed by the version: a new comment makes a new key, so the next request
    asks Redis (and renders) again instead of serving the tier's old page."""
    fake = fake_redis
    post = make_post(title="Harbour")
    make_comment(post, body="First light.")
    first = client.get(post.get_absolute_url())
    assert client.get(post.get_absolute_url()).content == first.content
    assert client.get(post.get_absolute_url()).content == first.content
    assert fake.mgets == 2  # the fill's miss, then one Redis hit; the third from the tier
    make_comment(post, body="Second light.")
    assert "Second light." in client.get(post.get_absolute_url()).text


def test_with_redis_an_encoding_asked_for_after_the_fill_is_added_to_the_entry(
    client, monkeypatch, fake_redis
):
    fake = fake_redis
    post = make_post(body="Words " * 500)
    plain = client.get(post.get_absolute_url()).content
    assert sorted(k.rsplit(":", 1)[1] for k in fake.data) == ["id", "m"]
    zipped = client.get(post.get_absolute_url(), headers={"accept-encoding": "gzip"})
    assert gzip.decompress(zipped.content) == plain
    assert sorted(k.rsplit(":", 1)[1] for k in fake.data) == ["gzip", "id", "m"]
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: pytest.fail("compressed again"))
    again = client.get(post.get_absolute_url(), headers={"accept-encoding": "gzip"})
    assert again.content == zipped.content
