import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from posts.models import Post
from posts.tests.factories import make_page, make_post, make_user

pytestmark = pytest.mark.django_db


def test_index_lists_published_posts_newest_first(client):
    older = make_post(title="Older", published_at=timezone.now() - timedelta(days=3))
    newer = make_post(title="Newer")
    make_post(title="A draft", status="draft")
    make_post(title="Not yet", published_at=timezone.now() + timedelta(hours=1))

    response = client.get("/")

    assert list(response.context["object_list"]) == [newer, older]
    assert b"A draft" not in response.content
    assert b"Not yet" not in response.content


def test_index_paginates_and_refuses_bad_page_numbers(client):
    for _ in range(12):
        make_post()
    assert len(client.get("/").context["object_list"]) == 10
    assert len(client.get("/?page=2").context["object_list"]) == 2
    assert client.get("/?page=3").status_code == 404
    assert client.get("/?page=abc").status_code == 404


def test_post_page_shows_the_post(client):
    post = make_post(title="Networks", body="Hello **world**", tags=["social media"])
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert b"<strong>world</strong>" in response.content
    assert b'href="/tag/social-media/"' in response.content
    assert b'<link rel="canonical"' in response.content
    assert b'property="og:title" content="Networks"' in response.content


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "draft"},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "scheduled"],
)
def test_anonymous_reader_gets_404_for_unpublished_post(client, overrides):
    post = make_post(**overrides)
    assert client.get(post.get_absolute_url()).status_code == 404


def test_staff_can_preview_a_draft_on_the_real_template(client):
    author = make_user(staff=True, groups=["Authors"])
    post = make_post(status="draft", title="Secret draft", author=author)
    client.force_login(author)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert b"Preview: this is a draft" in response.content
    client.force_login(make_user(staff=True, groups=["Editors"]))
    assert client.get(post.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("group", ["Authors", "Moderators"])
def test_staff_preview_only_what_the_admin_lets_them_edit(client, group):
    post = make_post(status="draft", author=make_user(staff=True, groups=["Authors"]))
    client.force_login(make_user(staff=True, groups=[group]))
    assert client.get(post.get_absolute_url()).status_code == 404


def test_scheduled_post_appears_when_its_time_comes(client):
    post = make_post(published_at=timezone.now() + timedelta(minutes=5))
    assert client.get(post.get_absolute_url()).status_code == 404
    # time passes; nothing saves the post or runs a job
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(post.get_absolute_url()).status_code == 200


def test_wrong_year_or_month_redirects_permanently(client):
    post = make_post(published_at=datetime(2014, 3, 20, 12, tzinfo=ZoneInfo("UTC")))
    response = client.get(f"/2015/07/{post.slug}/?cpage=2")
    assert response.status_code == 301
    assert response["Location"] == f"/2014/03/{post.slug}/?cpage=2"


def test_blogger_html_permalink_redirects(client):
    post = make_post(published_at=datetime(2014, 3, 20, 12, tzinfo=ZoneInfo("UTC")))
    response = client.get(f"/2014/03/{post.slug}.html")
    assert response.status_code == 301
    assert response["Location"] == f"/2014/03/{post.slug}/"
    assert client.get("/2014/03/no-such-post.html").status_code == 404


def test_post_url_month_follows_the_blog_time_zone(client, settings):
    settings.TIME_ZONE = "America/New_York"
    post = make_post(published_at=datetime(2014, 4, 1, 2, 0, tzinfo=ZoneInfo("UTC")))
    assert post.get_absolute_url() == f"/2014/03/{post.slug}/"
    assert client.get("/2014/03/").context["object_list"][0] == post


def test_year_and_month_archives(client):
    march = make_post(published_at=datetime(2014, 3, 20, 12, tzinfo=ZoneInfo("UTC")))
    june = make_post(published_at=datetime(2014, 6, 2, 12, tzinfo=ZoneInfo("UTC")))
    assert list(client.get("/2014/").context["object_list"]) == [june, march]
    assert list(client.get("/2014/03/").context["object_list"]) == [march]
    assert client.get("/2013/").status_code == 404
    assert client.get("/2014/13/").status_code == 404
    assert client.get("/2014/00/").status_code == 404
    assert client.get("/20x4/03/").status_code == 404


def test_sidebar_counts_posts_per_month(client):
    make_post(published_at=datetime(2014, 3, 20, 12, tzinfo=ZoneInfo("UTC")))
    make_post(published_at=datetime(2014, 3, 21, 12, tzinfo=ZoneInfo("UTC")))
    make_post(status="draft", published_at=datetime(2014, 3, 22, 12, tzinfo=ZoneInfo("UTC")))
    response = client.get("/")
    assert b'<a href="/2014/03/">March</a> <span class="count">(2)</span>' in response.content


def test_tag_page_lists_tagged_posts_and_works_with_unicode_slugs(client):
    tagged = make_post(tags=["éducation médicale"])
    make_post(tags=["other"])
    response = client.get("/tag/éducation-médicale/")
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [tagged]
    assert client.get("/tag/nope/").status_code == 404


def test_blogger_label_search_finds_the_tag_by_name(client):
    make_post(tags=["C"])
    make_post(tags=["C++"])  # taggit slugs it "c_1"
    from taggit.models import Tag

    response = client.get("/search/label/C++")
    assert response["Location"] == f"/tag/{Tag.objects.get(name='C++').slug}/"


def test_blogger_label_search_redirects_to_the_tag(client):
    make_post(tags=["Social Media"])
    response = client.get("/search/label/Social%20Media")
    assert response.status_code == 301
    assert response["Location"] == "/tag/social-media/"


def test_static_page_and_its_blogger_form(client):
    page = make_page(title="About", slug="about")
    assert b"About <em>us</em>." in client.get("/p/about/").content
    response = client.get("/p/about.html")
    assert response.status_code == 301
    assert response["Location"] == page.get_absolute_url()
    make_page(slug="hidden", is_published=False)
    assert client.get("/p/hidden/").status_code == 404


def test_search_finds_published_posts_by_words(client):
    hit = make_post(title="Twitter in medical education", body="networks of people")
    make_post(title="Twitter elsewhere", body="nothing", status="draft")
    make_post(title="Unrelated", body="simulation")
    response = client.get("/search/", {"q": "twitter networks"})
    assert list(response.context["object_list"]) == [hit]


@pytest.mark.parametrize("query", ["", "   ", "x" * 10_000, "<script>alert(1)</script>", "%00"])
def test_search_handles_empty_huge_and_hostile_queries(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_unknown_url_is_a_proper_404(client):
    response = client.get("/no/such/place/")
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_robots_txt_points_at_the_sitemap(client, site_url):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert f"Sitemap: {site_url}/sitemap.xml".encode() in response.content


@pytest.mark.parametrize("posts", [3, 25])
def test_index_query_count_does_not_grow_with_posts(client, django_assert_num_queries, posts):
    for _ in range(posts):
        make_post(tags=["medical education", "Twitter"])
    make_page()
    # count, posts, their tags; the site's content version (the settings' and the policy's
    # rows with it), and then (once per version, cached) menu pages, archive months, sidebar
    # labels
    with django_assert_num_queries(7):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200


def test_post_page_query_count(client, django_assert_num_queries):
    from comments.models import Comment

    post = make_post(tags=["a", "b", "c"])
    for n in range(5):
        parent = Comment.objects.create(post=post, name=f"reader {n}", body="First!")
        Comment.objects.create(post=post, parent=parent, name="reply", body="Second")
    # post, its tags, newer and older posts (one query), one page of threads (the JSON-LD's
    # comments come with it), the site's content version with the settings' and the
    # moderation policy's rows (is the post open?), then menu pages, archive, labels
    with django_assert_num_queries(8):
        assert client.get(post.get_absolute_url()).status_code == 200
    # the rendered thread, the JSON-LD and the sidebar come from the cache while the post's
    # comment version and the site's content version stand
    with django_assert_num_queries(4):
        assert client.get(post.get_absolute_url()).status_code == 200
    # a new comment: its thread is read again, not the sidebar
    Comment.objects.create(post=post, name="reader 6", body="Third")
    with django_assert_num_queries(5):
        assert client.get(post.get_absolute_url()).status_code == 200


def test_an_imported_redirect_wins_over_a_slug_owned_by_another_post(client):
    from django.contrib.redirects.models import Redirect

    moved = make_post(slug="networks-2", published_at=datetime(2014, 3, 20, tzinfo=ZoneInfo("UTC")))
    make_post(slug="networks", published_at=datetime(2015, 1, 1, tzinfo=ZoneInfo("UTC")))
    Redirect.objects.create(
        site_id=1, old_path="/2014/03/networks.html", new_path=moved.get_absolute_url()
    )
    response = client.get("/2014/03/networks.html")
    assert response.status_code == 301
    assert response["Location"] == moved.get_absolute_url()
    Redirect.objects.create(site_id=1, old_path="/p/old-about.html", new_path="/p/about/")
    assert client.get("/p/old-about.html")["Location"] == "/p/about/"


def test_wordpress_query_string_links_follow_recorded_redirects(client):
    from django.contrib.redirects.models import Redirect

    post = make_post()
    Redirect.objects.create(site_id=1, old_path="/?p=42", new_path=post.get_absolute_url())
    Redirect.objects.create(site_id=1, old_path="/?page_id=7", new_path="/p/about/")
    assert client.get("/?p=42")["Location"] == post.get_absolute_url()
    assert client.get("/?page_id=7")["Location"] == "/p/about/"
    assert client.get("/?p=43").status_code == 200  # unknown: the front page


def test_a_missing_page_costs_two_queries_once_the_sidebar_is_cached(
    client, django_assert_num_queries
):
    make_post(tags=["a"])
    # the redirects fallback (one query), the content version (the settings' row with it)
    # and, once per version (cached), the menu and sidebar
    with django_assert_num_queries(5):
        assert client.get("/no/such/place/").status_code == 404
    with django_assert_num_queries(2):
        assert client.get("/no/such/place/").status_code == 404


def test_the_cached_sidebar_and_settings_follow_every_change(client, monkeypatch):
    """The sidebar is cached under the site's content version (page cache off here)."""
    from posts.models import BlogSettings

    make_post(title="Ward rounds", tags=["rounds"])
    assert "rounds" in client.get("/").text
    make_post(title="Night shifts", tags=["night shifts"])  # a new label
    assert "night shifts" in client.get("/").text.split('class="sidebar"')[1]
    settings_row = BlogSettings.load()
    settings_row.title = "Clinical notes"
    settings_row.save()
    assert "<title>Clinical notes</title>" in client.get("/").text
    make_page(title="Contact the editors")
    assert "Contact the editors" in client.get("/").text
    make_post(title="Grand round", published_at=timezone.now() + timedelta(hours=1))

    def year_count():
        return int(
            re.search(r'<span class="count">\((\d+)\)</span></summary>', client.get("/").text)[1]
        )

    assert year_count() == 2  # not yet public
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    assert year_count() == 3  # its time came, with no job run


def test_a_post_s_url_date_is_the_blog_s_local_date_in_any_zone_given():
    """Published 23:30 UTC on 31 January: January in London, February in Berlin."""
    post = Post(slug="late", published_at=datetime(2024, 1, 31, 23, 30, tzinfo=UTC))
    berlin = ZoneInfo("Europe/Berlin")
    assert post.url_date_in(ZoneInfo("Europe/London")).month == 1
    assert post.url_date_in(berlin).month == 2
    with timezone.override(berlin):
        assert post.url_date == post.url_date_in(berlin)
        assert post.get_absolute_url() == "/2024/02/late/"
