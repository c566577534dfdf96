"""WordPress's old URLs keep working after import_wordpress (item 8 of issue 12)."""

from urllib.parse import quote

import pytest
from django.contrib.redirects.models import Redirect

from posts.models import Page, Post
from transfer.tests.conftest import real, run

pytestmark = pytest.mark.django_db

THEME = "wxr-wpimporter-theme-unit-test-data.xml"
GREEK = "/greek/επίπεδο-2/"


@pytest.fixture
def theme():
    run("import_wordpress", real(THEME))


def test_old_paths_are_stored_decoded_with_single_slashes(theme):
    # The export's link is //greek/%ce%b5%cf%80... (a double slash, lower-case escapes).
    page = Page.objects.get(title="Επίπεδο 2 -Second Greek level")
    assert Redirect.objects.get(old_path=GREEK).new_path == page.get_absolute_url()
    assert not Redirect.objects.filter(old_path__contains="//").exists()
    assert not Redirect.objects.filter(old_path__contains="%ce").exists()


@pytest.mark.parametrize(
    "request_path",
    [
        quote(GREEK).lower(),  # /greek/%ce%b5...
        quote(GREEK),  # /greek/%CE%B5...
        GREEK,  # raw UTF-8
        "/greek/επίπεδο-2",  # no trailing slash (APPEND_SLASH)
    ],
)
def test_greek_pages_redirect_however_the_request_is_written(theme, client, request_path):
    page = Page.objects.get(title="Επίπεδο 2 -Second Greek level")
    response = client.get(request_path)
    assert response.status_code == 301
    assert response["Location"] == page.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_category_tag_and_cat_id_urls_redirect_to_the_tag(theme, client):
    post = Post.objects.get(title="Edge Case: Many Categories")
    tag = post.tags.get(name="aciform")
    # /category/aciform/ (its WordPress slug) and /?cat=<its term id> go to the tag's page.
    assert client.get("/category/aciform/")["Location"] == f"/tag/{tag.slug}/"
    cat = Redirect.objects.get(old_path__startswith="/?cat=", new_path=f"/tag/{tag.slug}/")
    assert client.get(cat.old_path)["Location"] == f"/tag/{tag.slug}/"
    # A child category's URL names its parent first.
    assert client.get("/category/parent/aciform/")["Location"] == f"/tag/{tag.slug}/"
    assert client.get("/category/no-such-thing/").status_code == 404


def test_a_tag_whose_wordpress_slug_differs_redirects(theme, client):
    wp_slug, tag_path = Redirect.objects.filter(old_path__startswith="/tag/").values_list(
        "old_path", "new_path"
    )[0]
    assert wp_slug != tag_path
    assert client.get(wp_slug)["Location"] == tag_path
    assert client.get(tag_path).status_code == 200


def test_dated_permalinks_author_and_feeds(theme, client):
    post = Post.objects.get(title="Markup: HTML Tags and Formatting")
    date = post.published_at
    dated = f"/{date:%Y}/{date:%m}/{date:%d}/{post.slug}/"
    Redirect.objects.filter(old_path=dated).delete()  # found by its slug even with no record
    assert client.get(dated)["Location"] == post.get_absolute_url()
    assert client.get("/2001/01/01/no-such-post/").status_code == 404
    assert client.get("/author/themedemos/")["Location"] == "/"
    assert client.get("/author/nobody/").status_code == 404
    assert client.get("/feed/")["Location"] == "/feeds/posts/rss/"
    assert client.get("/feed/atom/")["Location"] == "/feeds/posts/"
    assert client.get("/comments/feed/")["Location"] == "/feeds/comments/rss/"
