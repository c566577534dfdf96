# ruff: noqa: F811 (pytest fixtures imported from activitypub_support)
"""What a fediverse server reads about the blog: WebFinger, NodeInfo, the actor, the outbox,
the followers' count and each post as an Article at its own URL."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comments.tests.factories import make_post
from federation.activitypub import documents
from federation.models import ActorKey, Follower, RemoteActor
from posts.models import BlogSettings

from .activitypub_support import federation  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("federation")
ACTIVITY = {"Accept": "application/activity+json"}


def test_webfinger_finds_the_blog_by_its_handle(client):
    response = client.get("/.well-known/webfinger", {"resource": "acct:blog@testserver"})
    assert response.status_code == 200 and response["Content-Type"] == "application/jrd+json"
    jrd = response.json()
    assert jrd["subject"] == "acct:blog@testserver"
    assert {
        "rel": "self",
        "type": "application/activity+json",
        "href": "http://testserver/ap/actor",
    } in jrd["links"]
    assert (
        client.get("/.well-known/webfinger", {"resource": "acct:other@testserver"}).status_code
        == 404
    )
    assert client.get("/.well-known/webfinger").status_code == 400


def test_the_handle_comes_from_the_blog_settings_and_is_validated(client):
    blog = BlogSettings.load()
    blog.handle = "notes"
    blog.save()
    assert (
        client.get("/.well-known/webfinger", {"resource": "acct:notes@testserver"}).status_code
        == 200
    )
    assert client.get("/ap/actor").json()["preferredUsername"] == "notes"
    for bad in ("Has Space", "é", "at@sign", ""):
        blog.handle = bad
        with pytest.raises(ValidationError):
            blog.full_clean()


def test_nodeinfo_points_to_a_2_1_document(client):
    link = client.get("/.well-known/nodeinfo").json()["links"][0]
    assert link == {
        "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
        "href": "http://testserver/nodeinfo/2.1",
    }
    make_post()
    info = client.get("/nodeinfo/2.1").json()
    assert info["version"] == "2.1" and info["protocols"] == ["activitypub"]
    assert info["software"]["name"] == "blogsite" and info["usage"]["localPosts"] == 1


def test_the_actor_carries_the_blogs_name_collections_and_public_key(client):
    blog = BlogSettings.load()
    blog.title, blog.description = "Networked learning", "Notes on <medical> education"
    blog.save()
    response = client.get("/ap/actor")
    assert response["Content-Type"] == "application/activity+json"
    actor = response.json()
    assert actor["id"] == "http://testserver/ap/actor" and actor["type"] == "Person"
    assert actor["name"] == "Networked learning"
    assert actor["summary"] == "<p>Notes on &lt;medical&gt; education</p>"
    assert actor["inbox"] == "http://testserver/ap/inbox"
    assert actor["outbox"] == "http://testserver/ap/outbox"
    assert actor["followers"] == "http://testserver/ap/followers"
    assert actor["endpoints"]["sharedInbox"] == "http://testserver/ap/inbox"
    assert actor["icon"]["url"].startswith("http://testserver/static/")
    assert actor["publicKey"] == {
        "id": "http://testserver/ap/actor#main-key",
        "owner": "http://testserver/ap/actor",
        "publicKeyPem": ActorKey.objects.get().public_key_pem,
    }


def test_the_key_is_made_once_and_kept(client):
    ActorKey.objects.all().delete()
    first = client.get("/ap/actor").json()["publicKey"]["publicKeyPem"]
    assert "BEGIN PUBLIC KEY" in first
    assert client.get("/ap/actor").json()["publicKey"]["publicKeyPem"] == first
    assert ActorKey.objects.count() == 1


def test_the_outbox_lists_visible_posts_as_creates_in_pages(client, monkeypatch):
    monkeypatch.setattr(documents, "OUTBOX_PAGE_SIZE", 2)
    now = timezone.now()
    posts = [make_post(published_at=now - timedelta(days=n)) for n in range(3)]
    make_post(status="draft")
    make_post(published_at=now + timedelta(days=1))  # scheduled
    collection = client.get("/ap/outbox").json()
    assert collection["type"] == "OrderedCollection" and collection["totalItems"] == 3
    first = client.get("/ap/outbox", {"page": 1}).json()
    assert [item["type"] for item in first["orderedItems"]] == ["Create", "Create"]
    assert [item["object"]["name"] for item in first["orderedItems"]] == [
        posts[0].title,
        posts[1].title,
    ]
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert [item["object"]["name"] for item in second["orderedItems"]] == [posts[2].title]
    assert "next" not in second
    assert client.get("/ap/outbox", {"page": "x"}).status_code == 404


def test_followers_are_counted_not_listed(client):
    for n in range(2):
        actor = RemoteActor.objects.create(
            actor_id=f"https://social.example/users/{n}", key_id=f"k{n}", public_key_pem="-",
            inbox="https://social.example/inbox", domain="social.example",
        )  # fmt: skip
        Follower.objects.create(actor=actor, follow_id=f"https://social.example/f/{n}")
    collection = client.get("/ap/followers").json()
    assert collection["totalItems"] == 2
    assert "social.example" not in str(collection)


def test_a_post_url_answers_its_article_to_activitypub_clients(client):
    post = make_post(body="Read [the notes](/p/notes/) and ![chart](/media/c.png).")
    post.tags.add("medical education", "ECG")
    url = post.get_absolute_url()
    response = client.get(url, headers=ACTIVITY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/activity+json"
    assert "Accept" in response["Vary"]
    article = response.json()
    assert article["id"] == article["url"] == f"http://testserver{url}"
    assert article["type"] == "Article" and article["name"] == post.title
    assert article["attributedTo"] == "http://testserver/ap/actor"
    assert article["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert article["cc"] == ["http://testserver/ap/followers"]
    assert 'href="http://testserver/p/notes/"' in article["content"]
    assert 'src="http://testserver/media/c.png"' in article["content"]
    assert sorted(t["name"] for t in article["tag"]) == ["#ECG", "#MedicalEducation"]
    assert all(t["type"] == "Hashtag" for t in article["tag"])
    assert article["published"].endswith("Z")
    ld = client.get(
        url,
        headers={"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'},
    )
    assert ld.json()["id"] == article["id"] and ld["Content-Type"].startswith("application/ld+json")


def test_the_page_stays_a_page_for_browsers_and_says_it_varies(client):
    post = make_post()
    page = client.get(post.get_absolute_url(), headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]
    assert post.title in page.content.decode()


def test_drafts_and_scheduled_posts_have_no_article(client):
    for post in (
        make_post(status="draft"),
        make_post(published_at=timezone.now() + timedelta(days=1)),
    ):
        assert client.get(post.get_absolute_url(), headers=ACTIVITY).status_code == 404


def test_everything_is_404_and_the_page_plain_html_with_federation_off(client, settings):
    settings.FEDERATION = False
    post = make_post()
    for url in ["/ap/actor", "/ap/outbox", "/ap/followers", "/nodeinfo/2.1",
                "/.well-known/nodeinfo", "/.well-known/webfinger?resource=acct:blog@testserver"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    page = client.get(post.get_absolute_url(), headers=ACTIVITY)
    assert page["Content-Type"].startswith("text/html")


def test_an_outbox_page_and_an_article_take_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    for _ in range(3):
        make_post().tags.add("ecg", "teaching")
    with django_assert_num_queries(2):  # the posts, their tags
        assert len(client.get("/ap/outbox", {"page": 1}).json()["orderedItems"]) == 3
    url = make_post().get_absolute_url()
    with django_assert_num_queries(3):  # the post, its tags, its reaction counts
        client.get(url, headers=ACTIVITY)


def test_staff_see_followers_and_reactions_in_the_admin(admin_client):
    for path in ("follower", "reaction", "remoteactor"):
        assert admin_client.get(f"/admin/federation/{path}/").status_code == 200


def test_the_post_pages_reaction_counts_cost_one_query_cold_and_none_warm(
    client, django_assert_num_queries
):
    from comments.models import Comment
    from federation.activitypub.reactions import touch
    from federation.models import Reaction, RemoteActor

    post = make_post(tags=["a", "b", "c"])
    for n in range(5):
        parent = Comment.objects.create(post=post, name=f"reader {n}", body="First!")
        Comment.objects.create(post=post, parent=parent, name="reply", body="Second")
    actor = RemoteActor.objects.create(actor_id="https://m.example/u/a", key_id="k",
                                       public_key_pem="-", inbox="i", domain="m.example")  # fmt: skip
    Reaction.objects.create(kind="like", activity_id="https://m.example/l/1", actor=actor,
                            post=post)  # fmt: skip
    touch([post])
    # as posts' test_post_page_query_count (8 cold, 4 warm), plus the counts when cold
    with django_assert_num_queries(9):
        assert "1 like from the fediverse" in client.get(post.get_absolute_url()).text
    with django_assert_num_queries(4):
        assert "1 like from the fediverse" in client.get(post.get_absolute_url()).text
