"""What issue 11 asked of the readers' pages: "Read more", excerpts without headings, newer and
older links, full-content feeds, a collapsible archive, link-preview tags, a favicon."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from posts.models import BlogSettings
from posts.tests.factories import make_page, make_post

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
LONG = " ".join(f"word{n}" for n in range(100))


def summary_of(response, post):
    """The ``<article class="post-summary">`` of ``post`` on a list page."""
    html = response.content.decode()
    for article in re.findall(r'<article class="post-summary[^"]*">.*?</article>', html, re.S):
        if f'href="{post.get_absolute_url()}"' in article:
            return article
    raise AssertionError(f"{post} not listed")


def test_read_more_only_on_cut_excerpts(client):
    long = make_post(title="Long one", body=LONG)
    short = make_post(title="Short one", body="Just a few words.")
    summarised = make_post(title="Summarised", body="Body.", summary="A hand-written summary.")
    response = client.get("/")
    cut = summary_of(response, long)
    assert "Read more" in cut and "word59…" in cut and "word60" not in cut
    link = re.search(r'<a href="([^"]+)">Read more(.*?)</a>', cut, re.S)
    assert link.group(1) == long.get_absolute_url()
    assert "Long one" in link.group(2)  # the link's accessible name says which post
    assert "Read more" not in summary_of(response, short)
    assert "…" not in summary_of(response, short)
    assert "Read more" in summary_of(response, summarised)  # a summary is never the whole post


def test_excerpts_carry_no_headings(client):
    post = make_post(
        title="Headed", body="# Big\n\nText.\n\n## Section\n\nMore text.\n\n###### Tiny"
    )
    for url in ("/", f"/{post.url_date.year}/", "/search/?q=Text"):
        article = summary_of(client.get(url), post)
        assert not re.search(r"<h[1-6]\b", article.split("</h2>", 1)[1]), url
        assert '<p class="excerpt-heading">Big</p>' in article
        assert '<p class="excerpt-heading">Section</p>' in article
    # the post page itself keeps them
    assert b"<h2" in client.get(post.get_absolute_url()).content


def nav_links(response):
    html = response.content.decode()
    nav = re.search(r'<nav class="post-nav".*?</nav>', html, re.S).group(0)
    return {cls: href for cls, href in re.findall(r'<a class="(\w+)"[^>]* href="([^"]+)"', nav)}


def test_newer_and_older_links_skip_drafts_scheduled_and_future_posts(client):
    now = timezone.now()
    oldest = make_post(title="Oldest", published_at=now - timedelta(days=5))
    make_post(title="Draft between", status="draft", published_at=now - timedelta(days=4))
    middle = make_post(title="Middle", published_at=now - timedelta(days=3))
    newest = make_post(title="Newest", published_at=now - timedelta(days=2))
    make_post(title="Scheduled", published_at=now + timedelta(days=1))

    assert nav_links(client.get(middle.get_absolute_url())) == {
        "newer": newest.get_absolute_url(), "home": "/", "older": oldest.get_absolute_url(),
    }  # fmt: skip
    assert nav_links(client.get(newest.get_absolute_url())) == {
        "home": "/", "older": middle.get_absolute_url(),
    }  # fmt: skip
    assert nav_links(client.get(oldest.get_absolute_url())) == {
        "newer": middle.get_absolute_url(), "home": "/",
    }  # fmt: skip
    assert b"Newer post" in client.get(oldest.get_absolute_url()).content


def test_posts_published_at_the_same_moment_still_link_each_other(client):
    when = timezone.now() - timedelta(days=1)
    first, second, third = (make_post(published_at=when) for _ in range(3))
    # the index lists them newest id first: third, second, first
    assert nav_links(client.get(second.get_absolute_url())) == {
        "newer": third.get_absolute_url(), "home": "/", "older": first.get_absolute_url(),
    }  # fmt: skip


def feed_entry(client, url="/feeds/posts/"):
    root = ET.fromstring(client.get(url).content)
    return root.find(f"{ATOM}entry")


def test_feeds_carry_the_full_post_by_default(client):
    make_post(title="Full", body=LONG + "\n\n## The end\n\nLast *words*.", tags=["t"])
    for url in ("/feeds/posts/", "/tag/t/feed/"):
        entry = feed_entry(client, url)
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html"
        assert "<h2" in content.text and "<em>words</em>" in content.text
        assert "word99" not in entry.findtext(f"{ATOM}summary")  # the summary stays short
    rss = ET.fromstring(client.get("/feeds/posts/rss/").content)
    assert "<em>words</em>" in rss.findtext("channel/item/description")


def test_feeds_carry_the_summary_when_the_blog_says_so(client):
    BlogSettings.objects.filter(pk=1).update(feeds_full_content=False)  # the migration made it
    assert BlogSettings.load().feeds_full_content is False
    make_post(title="Teaser", body=LONG + "\n\nLast *words*.", summary="Come and read it.")
    entry = feed_entry(client)
    assert entry.find(f"{ATOM}content") is None
    assert entry.findtext(f"{ATOM}summary") == "Come and read it."
    rss = ET.fromstring(client.get("/feeds/posts/rss/").content)
    assert rss.findtext("channel/item/description") == "Come and read it."


def test_archive_is_one_collapsible_year_each_the_newest_open(client):
    utc = ZoneInfo("UTC")
    make_post(published_at=datetime(2014, 3, 20, tzinfo=utc))
    make_post(published_at=datetime(2015, 1, 2, tzinfo=utc))
    make_post(published_at=datetime(2015, 6, 2, tzinfo=utc))
    html = client.get("/").content.decode()
    years = re.findall(r"<details( open)?>\s*<summary>(\d{4}) <span", html)
    # no post this year: the newest year with posts is the open one
    assert years == [(" open", "2015"), ("", "2014")]
    assert '<a href="/2015/">All of 2015</a>' in html
    assert '<summary>2015 <span class="count">(2)</span></summary>' in html


def test_the_current_year_is_open(client):
    make_post(published_at=timezone.now() - timedelta(minutes=1))
    make_post(published_at=datetime(2014, 3, 20, tzinfo=ZoneInfo("UTC")))
    html = client.get("/").content.decode()
    this_year = timezone.localtime().year
    assert re.findall(r"<details( open)?>\s*<summary>(\d{4})", html) == [
        (" open", str(this_year)), ("", "2014"),
    ]  # fmt: skip


def meta(html, key):
    """The content of ``<meta property|name=key>``, or None."""
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return found.group(1) if found else None


def test_post_page_link_preview_tags(client, site_url):
    post = make_post(
        title="With a picture",
        body="Look:\n\n![A lake at dawn](/media/uploads/lake.jpg)\n\n![second](/media/b.jpg)",
    )
    # the links are on SITE_URL whatever Host the request came with
    path = post.get_absolute_url() + "?cpage=1&utm_source=x"
    html = client.get(path, HTTP_HOST="localhost").content.decode()
    url = f"{site_url}{post.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "og:url") == url
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "With a picture"
    assert meta(html, "og:description") == "Look:"
    assert meta(html, "og:image") == f"{site_url}/media/uploads/lake.jpg"
    assert meta(html, "twitter:card") == "summary_large_image"
    published = datetime.fromisoformat(meta(html, "article:published_time"))
    assert published == post.published_at


def test_a_post_without_a_picture_gets_the_small_card(client):
    html = client.get(make_post().get_absolute_url()).content.decode()
    assert meta(html, "og:image") is None
    assert meta(html, "twitter:card") == "summary"


@pytest.mark.parametrize(
    "path, canonical",
    [
        ("/", "/"),
        ("/?page=1", "/"),
        ("/?page=2&ref=x", "/?page=2"),
        ("/2014/", "/2014/"),
        ("/2014/03/", "/2014/03/"),
        ("/tag/lakes/", "/tag/lakes/"),
        ("/search/?q=lake&utm=x", "/search/?q=lake"),
        ("/p/about/", "/p/about/"),
    ],
)
def test_every_reader_page_has_a_canonical_url_and_site_tags(client, site_url, path, canonical):
    for _ in range(11):
        make_post(published_at=datetime(2014, 3, 20, tzinfo=ZoneInfo("UTC")), tags=["lakes"])
    make_page(slug="about")
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<link rel="canonical" href="{site_url}{canonical}">' in html
    assert meta(html, "og:url") == f"{site_url}{canonical}"
    assert meta(html, "og:type") == "website"
    assert meta(html, "twitter:card") == "summary"


def test_favicon_is_linked_and_served(client):
    html = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg"', html)
    assert re.search(r'<link rel="icon" href="/static/favicon\.png"', html)
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.png")
