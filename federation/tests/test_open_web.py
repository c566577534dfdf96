"""What other programs read on our pages and feeds: microformats2 (read with mf2py), the
Webmention endpoint, JSON Feed 1.1, schema.org JSON-LD and the WebSub hub."""

import json
import re
from urllib.parse import parse_qs

import mf2py
import pytest

from comments.tests.factories import make_comment
from posts.tests.factories import make_page, make_post, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    author = make_user("ana", first_name="Ana", last_name="Lima")
    post = make_post(title="Ward rounds", body="Teach at the **bedside**.", author=author)
    post.tags.add("teaching", "wards")
    return post


def test_the_post_page_is_an_h_entry_with_its_author_and_comments(client, post):
    first = make_comment(post, name="Ben", url="https://ben.example/", body="Very useful.")
    make_comment(post, parent=first, name="Cy", body="Agreed with Ben.")
    make_comment(post, name="Held", body="waiting", status="pending")
    url = "https://blog.example" + post.get_absolute_url()
    parsed = mf2py.parse(doc=client.get(post.get_absolute_url()).content.decode(), url=url)
    entries = [i for i in parsed["items"] if "h-entry" in i["type"]]
    assert len(entries) == 1
    props = entries[0]["properties"]
    assert props["name"] == ["Ward rounds"]
    assert props["url"] == [url]
    assert "<strong>bedside</strong>" in props["content"][0]["html"]
    assert props["published"][0].startswith(str(post.published_at.date()))
    assert sorted(props["category"]) == ["teaching", "wards"]
    author = props["author"][0]
    assert author["type"] == ["h-card"] and author["properties"]["name"] == ["Ana Lima"]
    comments = props["comment"]
    assert [c["type"] for c in comments] == [["h-cite"], ["h-cite"]]  # the held one is not there
    ben, cy = (c["properties"] for c in comments)
    assert ben["author"][0]["properties"]["name"] == ["Ben"]
    assert ben["author"][0]["properties"]["url"] == ["https://ben.example/"]
    assert "Very useful." in ben["content"][0]["html"]
    assert ben["url"][0].endswith(f"#c{first.pk}")
    assert cy["author"][0]["properties"]["name"] == ["Cy"]


def test_the_index_is_an_h_feed_of_h_entries(client, post):
    make_post(title="Another")
    parsed = mf2py.parse(doc=client.get("/").content.decode(), url="http://testserver/")
    feed = next(i for i in parsed["items"] if "h-feed" in i["type"])
    names = [e["properties"]["name"][0] for e in feed["children"]]
    assert names == ["Another", "Ward rounds"]
    assert feed["children"][1]["properties"]["author"][0]["properties"]["name"] == ["Ana Lima"]


def test_posts_and_pages_advertise_the_webmention_endpoint(client, post, settings):
    settings.SITE_URL = "https://blog.example"  # links come from SITE_URL, not the Host
    for url in (post.get_absolute_url(), make_page().get_absolute_url()):
        response = client.get(url)
        assert response["Link"] == '<https://blog.example/webmention/>; rel="webmention"'
        assert (
            '<link rel="webmention" href="https://blog.example/webmention/">'
            in response.content.decode()
        )
    assert "Link" not in client.get("/").headers  # the index is no target


def test_json_feed(client, post, settings):
    settings.SITE_URL = "https://blog.example"
    response = client.get("/feeds/posts/json")
    assert response["Content-Type"].startswith("application/feed+json")
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://blog.example/feeds/posts/json"
    (item,) = feed["items"]
    url = "https://blog.example" + post.get_absolute_url()
    assert item["id"] == item["url"] == url
    assert "<strong>bedside</strong>" in item["content_html"]
    assert item["date_published"] == post.published_at.isoformat()
    assert sorted(item["tags"]) == ["teaching", "wards"]
    assert item["authors"] == [{"name": "Ana Lima"}]
    assert "hubs" not in feed


def test_json_feed_keeps_drafts_out_and_costs_few_queries(client, django_assert_num_queries):
    for _ in range(5):
        make_post(tags=["x"])
    make_post(status="draft", title="Secret draft")
    # settings, posts with their authors, their tags
    with django_assert_num_queries(3):
        response = client.get("/feeds/posts/json")
    assert "Secret draft" not in response.content.decode()


def jsonld(response):
    (script,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(script)


def test_json_ld_blog_posting_with_comment_count_and_comments(client, post):
    make_comment(post, name="Ben", body="Very useful.")
    make_comment(post, name="Held", body="waiting", status="pending")
    post.refresh_from_db()
    data = jsonld(client.get(post.get_absolute_url()))
    assert data["@type"] == "BlogPosting" and data["headline"] == "Ward rounds"
    assert data["author"] == {"@type": "Person", "name": "Ana Lima"}
    assert data["commentCount"] == 1
    assert [c["author"]["name"] for c in data["comment"]] == ["Ben"]


def test_json_ld_cannot_close_its_script(client, post):
    make_comment(post, name="</script><script>alert(1)</script>", body="x </script> <!-- y")
    post.refresh_from_db()
    html = client.get(post.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script
    data = json.loads(script)
    assert data["comment"][0]["author"]["name"] == "</script><script>alert(1)</script>"


def test_json_ld_follows_a_new_comment(client, post):
    client.get(post.get_absolute_url())  # cached
    make_comment(post, name="Late", body="Hello")
    assert [
        c["author"]["name"] for c in jsonld(client.get(post.get_absolute_url()))["comment"]
    ] == ["Late"]


def test_websub_hub_in_the_feeds(client, post, settings):
    settings.WEBSUB_HUB = "https://hub.example/"
    atom = client.get("/feeds/posts/").content.decode()
    assert '<link href="https://hub.example/" rel="hub"' in atom
    assert 'rel="self"' in atom
    rss = client.get("/feeds/posts/rss/").content.decode()
    assert '<atom:link href="https://hub.example/" rel="hub"' in rss
    assert client.get("/feeds/posts/json").json()["hubs"] == [
        {"type": "WebSub", "url": "https://hub.example/"}
    ]


def test_no_hub_no_hub_link(client, post):
    assert 'rel="hub"' not in client.get("/feeds/posts/").content.decode()


def test_publishing_pings_the_hub_for_each_feed(site, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://blog.example"
    settings.WEBSUB_HUB = site.url + "/hub"
    with django_capture_on_commit_callbacks(execute=True):
        make_post(body="No links.")
    pings = [parse_qs(body.decode()) for path, _, body in site.received if path == "/hub"]
    assert {p["hub.mode"][0] for p in pings} == {"publish"}
    assert sorted(p["hub.url"][0] for p in pings) == [
        "https://blog.example/feeds/posts/",
        "https://blog.example/feeds/posts/json",
        "https://blog.example/feeds/posts/rss/",
    ]


def test_json_feed_carries_the_summary_when_the_blog_says_so(client, post):
    from posts.models import BlogSettings

    BlogSettings.objects.update_or_create(pk=1, defaults={"feeds_full_content": False})
    (item,) = client.get("/feeds/posts/json").json()["items"]
    assert "<strong>" not in item["content_html"] and "bedside" in item["content_html"]
