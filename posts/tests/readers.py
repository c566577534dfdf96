"""What a reader can reach: every reader page of a post, and the links a page shows."""

from html.parser import HTMLParser
from urllib.parse import quote


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self._href, self._text = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def links(response):
    """``[(href, text)]`` of every link on the page."""
    parser = _Links()
    parser.feed(response.content.decode())
    return parser.links


def reader_urls(post, query):
    date = post.url_date
    return [
        "/", f"/{date.year}/", f"/{date.year}/{date.month:02d}/", post.get_absolute_url(),
        f"{post.get_absolute_url()}comments/feed/", f"/search/?q={quote(query)}",
        "/feeds/posts/", "/feeds/posts/rss/", "/feeds/posts/default", "/feeds/posts/default?alt=rss",
        "/feeds/comments/", "/sitemap.xml", "/robots.txt",
    ]  # fmt: skip


def assert_labels_reachable(client, post, labels, query):
    """Every reader page answers 200; on the post page and the index, each label is a link
    (beside the post and in the sidebar) to a page of that label that lists the post, with a
    working feed; Blogger's label URLs lead to the same page."""
    for url in reader_urls(post, query):
        assert client.get(url).status_code == 200, url
    for page in (post.get_absolute_url(), "/"):
        shown = [(href, text) for href, text in links(client.get(page)) if text in labels]
        assert sorted({text for _, text in shown}) == sorted(labels), page
        for href, label in shown:
            response = client.get(href)
            assert response.status_code == 200, (label, href)
            assert response.context["tag"].name == label
            assert post in response.context["object_list"]
            (feed,) = [h for h, text in links(response) if text == "Feed of this label"]
            assert client.get(feed).status_code == 200, (label, feed)
            old = client.get(f"/search/label/{quote(label)}")
            assert (old.status_code, old["Location"]) == (301, href), label
            assert client.get(f"/feeds/posts/default/-/{quote(label)}").status_code == 200
