from xml.etree import ElementTree

import pytest

from comments.tests.factories import make_comment, make_post
from posts.models import Post

pytestmark = pytest.mark.usefixtures("blog")
ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return root, [
        e.findtext(f"{ATOM}content") or e.findtext(f"{ATOM}summary") or ""
        for e in root.iter(f"{ATOM}entry")
    ]


def test_site_feed_has_approved_comments_of_public_posts_only(client):
    post = make_post()
    make_comment(post, body="visible one")
    make_comment(post, body="held one", status="pending")
    make_comment(make_post(status=Post.Status.DRAFT), body="on a draft")
    for url in ("/feeds/comments/", "/feeds/comments/default"):
        root, entries = _entries(client, url)
        assert root.tag == f"{ATOM}feed"
        assert len(entries) == 1 and "visible one" in entries[0]


def test_blogger_feed_as_rss(client):
    make_comment(make_post(), body="rss one")
    root = ElementTree.fromstring(client.get("/feeds/comments/default?alt=rss").content)
    assert root.tag == "rss"
    assert "rss one" in root.find("channel/item/description").text


def test_post_feed_has_only_that_posts_comments(client):
    post, other = make_post(), make_post()
    comment = make_comment(post, body="mine", email="secret@example.com")
    make_comment(other, body="theirs")
    content = client.get(f"{post.get_absolute_url()}comments/feed/").content
    root = ElementTree.fromstring(content)
    (entry,) = root.iter(f"{ATOM}entry")
    assert "mine" in (entry.findtext(f"{ATOM}summary") or "")
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/comments/{comment.pk}/")
    assert b"secret@example.com" not in content


def test_post_feed_of_a_draft_is_404(client):
    post = make_post(status=Post.Status.DRAFT)
    assert client.get(f"{post.get_absolute_url()}comments/feed/").status_code == 404


def test_comment_feeds_link_on_site_url_whatever_the_host(client, site_url):
    post = make_post()
    comment = make_comment(post, body="linked one")
    for url in ("/feeds/comments/", post.get_absolute_url() + "comments/feed/"):
        response = client.get(url, HTTP_HOST="localhost")
        assert "localhost" not in response.content.decode()
        entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
        permalink = f"{site_url}{comment.get_absolute_url()}"
        assert entry.find(f"{ATOM}link").get("href") == permalink
        assert entry.findtext(f"{ATOM}id") == permalink
