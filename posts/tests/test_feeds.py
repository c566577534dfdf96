import xml.etree.ElementTree as ET

import pytest

from posts.tests.factories import make_page, make_post

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom_titles(response):
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def test_atom_feed_lists_published_posts_only(client):
    make_post(title="Public")
    make_post(title="Draft", status="draft")
    assert atom_titles(client.get("/feeds/posts/")) == ["Public"]


def test_rss_feed_parses_and_carries_labels(client):
    make_post(title="Public", tags=["Twitter"])
    root = ET.fromstring(client.get("/feeds/posts/rss/").content)
    item = root.find("channel/item")
    assert item.findtext("title") == "Public"
    assert item.findtext("category") == "Twitter"


def test_blogger_feed_urls_answer(client):
    make_post(title="Labelled", tags=["Social Media"])
    make_post(title="Other")
    assert atom_titles(client.get("/feeds/posts/default")) == ["Other", "Labelled"]
    assert atom_titles(client.get("/feeds/posts/default/-/Social Media")) == ["Labelled"]
    rss = ET.fromstring(client.get("/feeds/posts/default?alt=rss").content)
    assert rss.tag == "rss"


def test_tag_feed(client):
    make_post(title="Tagged", tags=["simulation"])
    make_post(title="Other")
    assert atom_titles(client.get("/tag/simulation/feed/")) == ["Tagged"]
    assert client.get("/tag/unknown/feed/").status_code == 404


def test_sitemap_lists_public_posts_and_pages(client, site_url):
    post = make_post()
    draft = make_post(status="draft")
    page = make_page()
    # on SITE_URL: not the request's Host, nor the Sites framework's row (example.com here)
    response = client.get("/sitemap.xml", HTTP_HOST="localhost")
    locations = [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    assert f"{site_url}{post.get_absolute_url()}" in locations
    assert f"{site_url}{page.get_absolute_url()}" in locations
    assert f"{site_url}/" in locations
    assert all(loc.startswith(site_url + "/") for loc in locations)
    assert all(draft.slug not in loc for loc in locations)


@pytest.mark.parametrize("path", ["/feeds/posts/", "/feeds/posts/rss/", "/tag/lakes/feed/"])
def test_feed_links_and_ids_are_on_site_url_whatever_the_host(client, site_url, path):
    post = make_post(title="Public", tags=["lakes"])
    response = client.get(path, HTTP_HOST="localhost")
    assert response.status_code == 200
    text = response.content.decode()
    assert "localhost" not in text and "example.com" not in text
    root = ET.fromstring(response.content)
    permalink = f"{site_url}{post.get_absolute_url()}"
    if root.tag == f"{ATOM}feed":
        entry = root.find(f"{ATOM}entry")
        assert entry.find(f"{ATOM}link").get("href") == permalink
        assert entry.findtext(f"{ATOM}id") == permalink
        assert root.findtext(f"{ATOM}id").startswith(site_url + "/")
        self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
        assert self_link == f"{site_url}{path}"
    else:
        item = root.find("channel/item")
        assert item.findtext("link") == permalink and item.findtext("guid") == permalink
        assert root.findtext("channel/link") == f"{site_url}/"
