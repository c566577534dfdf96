# ruff: noqa: F811 (pytest fixtures imported from activitypub_support)
"""The inbox: only signed activities from the actor who signed them; follows, likes, boosts,
replies and deletes, each as a person on the other side would expect."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from comments.models import Comment
from comments.tests.factories import make_comment, make_post
from federation.activitypub import signatures
from federation.models import Follower, Reaction, RemoteActor, RemoteReply
from moderation.models import BlockRule
from posts.models import Post

from .activitypub_support import (  # noqa: F401 (fixtures)
    create,
    federation,
    key_pair,
    note,
    remote,
    signed_post,
)

pytestmark = pytest.mark.usefixtures("federation")


@pytest.fixture
def ana(remote):
    return remote.add_actor("ana")


def post_as(client, actor, activity, **kwargs):
    return signed_post(client, activity, actor["publicKey"]["id"], key_pair("ana")[0], **kwargs)


def follow(actor):
    return {
        "id": f"{actor['id']}/follows/1",
        "type": "Follow",
        "actor": actor["id"],
        "object": "http://testserver/ap/actor",
    }


def test_an_unsigned_post_is_refused_and_nothing_is_kept(client, ana):
    response = client.post(
        "/ap/inbox", json.dumps(follow(ana)), content_type="application/activity+json"
    )
    assert response.status_code == 401
    assert not Follower.objects.exists() and not RemoteActor.objects.exists()


def test_a_follow_is_kept_and_answered_with_a_signed_accept(
    client, ana, remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as(client, ana, follow(ana))
    assert response.status_code == 202
    follower = Follower.objects.get()
    assert follower.actor.actor_id == ana["id"] and follower.actor.name == "Ana Lima"
    assert follower.actor.shared_inbox == remote.base + "/inbox"
    ((path, headers, accept),) = remote.received
    assert path == "/users/ana/inbox"  # the follower's own inbox, not the shared one
    assert accept["type"] == "Accept" and accept["object"]["id"] == follow(ana)["id"]
    assert 'keyId="http://testserver/ap/actor#main-key"' in headers["Signature"]


def test_undo_of_a_follow_removes_the_follower(client, ana):
    post_as(client, ana, follow(ana))
    undo = {"id": f"{ana['id']}#undo", "type": "Undo", "actor": ana["id"], "object": follow(ana)}
    assert post_as(client, ana, undo).status_code == 202
    assert not Follower.objects.exists()


def test_a_reply_becomes_a_comment_with_the_authors_name_avatar_and_profile(client, ana):
    post = make_post()
    url = f"http://testserver{post.get_absolute_url()}"
    response = post_as(client, ana, create(ana, note(ana, url)))
    assert response.status_code == 202
    comment = Comment.objects.get()
    assert comment.post == post and comment.channel == "activitypub"
    assert comment.name == "Ana Lima" and comment.url == ana["url"]
    assert comment.avatar_url == ana["icon"]["url"]
    assert "ward round" in comment.body_html
    assert comment.source_url == note(ana, url)["id"]
    assert comment.decisions.get().reason.startswith("ActivityPub: signature verified; ")


def test_a_reply_to_a_comment_is_threaded_under_it(client, ana):
    post = make_post()
    parent = make_comment(post)
    for number, target in enumerate(
        [
            f"http://testserver/comments/{parent.pk}/",
            f"http://testserver{post.get_absolute_url()}#c{parent.pk}",
        ]
    ):
        post_as(client, ana, create(ana, note(ana, target, number=number + 1)))
    assert [c.parent_id for c in Comment.objects.exclude(pk=parent.pk)] == [parent.pk] * 2


def test_a_direct_message_is_never_published_as_a_comment(client, ana):
    post = make_post()
    private = note(ana, f"http://testserver{post.get_absolute_url()}")
    private["to"], private["cc"] = ["http://testserver/ap/actor"], []
    assert post_as(client, ana, create(ana, private)).status_code == 202
    assert not Comment.objects.exists()


def test_a_reply_to_something_else_or_claiming_another_author_is_ignored(client, ana, remote):
    post = make_post()
    elsewhere = note(ana, "https://example.org/some/post")
    forged = note(ana, f"http://testserver{post.get_absolute_url()}", number=2)
    forged["attributedTo"] = remote.base + "/users/bob"
    for activity in (create(ana, elsewhere), create(ana, forged)):
        assert post_as(client, ana, activity).status_code == 202
    assert not Comment.objects.exists()


def test_an_update_edits_the_comment_and_a_delete_removes_and_erases_it(client, ana):
    post = make_post()
    reply = note(ana, f"http://testserver{post.get_absolute_url()}")
    post_as(client, ana, create(ana, reply))
    edited = {**reply, "content": "<p>Edited: thanks for the teaching notes.</p>"}
    post_as(client, ana, create(ana, edited, kind="Update"))
    comment = Comment.objects.get()
    assert "Edited" in comment.body_html
    delete = {"id": f"{reply['id']}#delete", "type": "Delete", "actor": ana["id"],
              "object": {"id": reply["id"], "type": "Tombstone"}}  # fmt: skip
    assert post_as(client, ana, delete).status_code == 202
    comment.refresh_from_db()
    assert comment.status == "removed" and "teaching" not in comment.body + comment.body_html
    assert not RemoteReply.objects.exists()


def test_only_its_author_may_delete_a_reply(client, ana, remote):
    post = make_post()
    reply = note(ana, f"http://testserver{post.get_absolute_url()}")
    post_as(client, ana, create(ana, reply))
    bob = remote.add_actor("bob")
    delete = {
        "id": f"{bob['id']}#delete",
        "type": "Delete",
        "actor": bob["id"],
        "object": reply["id"],
    }
    signed = signed_post(client, delete, bob["publicKey"]["id"], key_pair("bob")[0])
    assert signed.status_code == 202
    assert Comment.objects.get().status != "removed"


def test_likes_and_boosts_are_counted_apart_and_undone(client, ana):
    post = make_post()
    url = f"http://testserver{post.get_absolute_url()}"
    like = {"id": f"{ana['id']}#likes/1", "type": "Like", "actor": ana["id"], "object": url}
    boost = {"id": f"{ana['id']}/statuses/9/activity", "type": "Announce", "actor": ana["id"],
             "object": url}  # fmt: skip
    for activity in (like, boost, like):
        assert post_as(client, ana, activity).status_code == 202
    assert sorted(Reaction.objects.values_list("kind", flat=True)) == ["announce", "like"]
    assert not Comment.objects.exists()
    article = client.get(url, headers={"Accept": "application/activity+json"}).json()
    assert article["likes"]["totalItems"] == 1 and article["shares"]["totalItems"] == 1
    post_as(
        client, ana, {"id": f"{ana['id']}#u", "type": "Undo", "actor": ana["id"], "object": like}
    )
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["announce"]


def test_a_deleted_account_loses_its_follow_reactions_and_replies(client, ana):
    post = make_post()
    url = f"http://testserver{post.get_absolute_url()}"
    post_as(client, ana, follow(ana))
    post_as(
        client, ana, {"id": f"{ana['id']}#l", "type": "Like", "actor": ana["id"], "object": url}
    )
    post_as(client, ana, create(ana, note(ana, url)))
    gone = {"id": f"{ana['id']}#delete", "type": "Delete", "actor": ana["id"], "object": ana["id"]}
    assert post_as(client, ana, gone).status_code == 202
    assert not RemoteActor.objects.exists() and not Follower.objects.exists()
    assert not Reaction.objects.exists()
    comment = Comment.objects.get()
    assert comment.status == "removed" and "ward round" not in comment.body_html


def test_a_stranger_accounts_delete_is_dropped_without_fetching_its_key(client, remote):
    gone_id = remote.base + "/users/ghost"  # not served: a fetch would fail
    gone = {"id": f"{gone_id}#delete", "type": "Delete", "actor": gone_id, "object": gone_id}
    response = signed_post(client, gone, f"{gone_id}#main-key", key_pair("ghost")[0])
    assert response.status_code == 202


def test_a_forged_signature_is_refused_after_one_fresh_look_at_the_key(client, ana, remote):
    post = make_post()
    activity = create(ana, note(ana, f"http://testserver{post.get_absolute_url()}"))
    forger_key = key_pair("mallory")[0]
    response = signed_post(client, activity, ana["publicKey"]["id"], forger_key)
    assert response.status_code == 401
    assert not Comment.objects.exists()


def test_a_new_key_is_fetched_when_the_cached_one_fails(client, ana, remote):
    post = make_post()
    url = f"http://testserver{post.get_absolute_url()}"
    post_as(client, ana, follow(ana))  # caches Ana's key
    RemoteActor.objects.update(public_key_pem=key_pair("old")[1])  # as if she rotated it
    assert post_as(client, ana, create(ana, note(ana, url))).status_code == 202
    assert Comment.objects.count() == 1
    assert RemoteActor.objects.get().public_key_pem == key_pair("ana")[1]


def test_an_activity_signed_by_someone_else_is_refused(client, ana, remote):
    bob = remote.add_actor("bob")
    response = signed_post(client, follow(ana), bob["publicKey"]["id"], key_pair("bob")[0])
    assert response.status_code == 401
    assert not Follower.objects.exists()


def test_a_changed_body_stale_date_or_uncovered_digest_is_refused(client, ana):
    activity = follow(ana)
    body = json.dumps(activity).encode()
    key_id, private = ana["publicKey"]["id"], key_pair("ana")[0]
    headers = signatures.sign_request("POST", "http://testserver/ap/inbox", body, key_id, private)
    tampered = body.replace(b"follows/1", b"follows/2")
    assert (
        signed_post(client, activity, key_id, private, body=tampered, headers=headers).status_code
        == 401
    )
    stale = signatures.http_date(datetime.now(UTC) - timedelta(hours=13))
    assert (
        signed_post(client, activity, key_id, private, headers={"Date": stale}).status_code == 401
    )
    no_digest = headers["Signature"].replace(" digest", "")
    assert (
        signed_post(client, activity, key_id, private, headers={"Signature": no_digest}).status_code
        == 401
    )
    assert not Follower.objects.exists()


def test_a_body_over_the_cap_gets_413(client, ana):
    activity = {**follow(ana), "padding": "x" * 300_000}
    assert post_as(client, ana, activity).status_code == 413


def test_too_many_requests_from_one_address_or_instance_get_429(
    client, ana, settings, limiter_clock
):
    settings.AP_INBOX_RATE_LIMIT = (2, 60)
    statuses = [post_as(client, ana, follow(ana)).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]
    settings.AP_INBOX_RATE_LIMIT, settings.AP_INSTANCE_RATE_LIMIT = (100, 60), (1, 60)
    other = client.post("/ap/inbox", json.dumps(follow(ana)), content_type="application/json",
                        REMOTE_ADDR="203.0.113.9")  # fmt: skip
    assert other.status_code == 429  # the instance's second request, from another address


def test_a_blocked_instance_is_refused_and_a_held_one_has_its_replies_held(client, ana):
    post = make_post()
    url = f"http://testserver{post.get_absolute_url()}"
    rule = BlockRule.objects.create(kind="domain", value="127.0.0.1", action="hold")
    post_as(client, ana, create(ana, note(ana, url)))
    comment = Comment.objects.get()
    assert comment.status == "pending" and "blocked domain 127.0.0.1" in comment.reasons
    rule.action = "spam"
    rule.save()  # as the admin saves it (moving the rules' version the inbox reads too)
    assert post_as(client, ana, follow(ana)).status_code == 403
    assert not Follower.objects.exists()


def test_the_inbox_needs_no_csrf_token_and_is_off_without_federation(ana, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert post_as(client, ana, follow(ana)).status_code == 202
    settings.FEDERATION = False
    assert post_as(client, ana, follow(ana)).status_code == 404


def test_a_profile_update_renames_the_cached_account(client, ana):
    post_as(client, ana, follow(ana))
    renamed = {**ana, "name": "Ana L."}
    update = {"id": f"{ana['id']}#update", "type": "Update", "actor": ana["id"], "object": renamed}
    assert post_as(client, ana, update).status_code == 202
    assert RemoteActor.objects.get().name == "Ana L."


def test_the_same_spam_gets_the_same_verdict_by_the_form_and_by_activitypub(client, ana):
    from comments.operations import add_comment

    post = make_post()
    spam = "Buy cheap viagra online now, best casino bonus, cheap pills: http://pills.example/buy"
    web = add_comment(Comment(post=post, name="Ana Lima", url=ana["url"], body=spam))
    web_verdict = (web.status, web.reasons)
    web.delete()  # so that the second is not judged a repeat of the first
    cache.clear()
    activity = create(ana, note(ana, f"http://testserver{post.get_absolute_url()}", text=spam))
    post_as(client, ana, activity)
    remote = Comment.objects.get(channel="activitypub")
    assert (remote.status, remote.reasons) == web_verdict
    assert web_verdict[0] != "approved" and web_verdict[1]


def test_a_block_rule_on_an_international_domain_refuses_its_instance(client):
    # the rule is stored as the comments' links read hosts (decoded); the actor's id may come
    # in punycode: the same matching as for comments meets both
    BlockRule.objects.create(kind="domain", value="xn--bcher-kva.example", action="spam")
    assert BlockRule.objects.get().value == "bücher.example"
    for actor in ("https://xn--bcher-kva.example/users/x", "https://social.BÜCHER.example/u"):
        activity = {"id": f"{actor}#f", "type": "Follow", "actor": actor,
                    "object": "http://testserver/ap/actor"}  # fmt: skip
        response = client.post("/ap/inbox", json.dumps(activity),
                               content_type="application/activity+json")  # fmt: skip
        assert response.status_code == 403  # before the signature is even looked at
    assert not RemoteActor.objects.exists()


def reactions_line(client, url):
    import re

    found = re.search(r'<p class="reactions">([^<]*)</p>\s*</article>', client.get(url).text)
    return found[1] if found else None


def test_likes_and_boosts_show_under_the_post_and_undo_takes_them_off(client, ana, remote):
    post = make_post()
    path = post.get_absolute_url()
    url = f"http://testserver{path}"
    assert reactions_line(client, path) is None  # none: nothing shown
    bob = remote.add_actor("bob")
    like = {"id": f"{ana['id']}#likes/1", "type": "Like", "actor": ana["id"], "object": url}
    boost = {"id": f"{ana['id']}#boosts/1", "type": "Announce", "actor": ana["id"], "object": url}
    bob_like = {"id": f"{bob['id']}#likes/1", "type": "Like", "actor": bob["id"], "object": url}
    post_as(client, ana, like)
    post_as(client, ana, boost)
    signed_post(client, bob_like, bob["publicKey"]["id"], key_pair("bob")[0])
    assert reactions_line(client, path) == "2 likes · 1 boost from the fediverse"
    before = Post.objects.get(pk=post.pk).comments_changed_at
    undo = {"id": f"{ana['id']}#undo/1", "type": "Undo", "actor": ana["id"], "object": like}
    post_as(client, ana, undo)
    assert Post.objects.get(pk=post.pk).comments_changed_at > before  # the page's caches move
    assert reactions_line(client, path) == "1 like · 1 boost from the fediverse"
    undo = {"id": f"{ana['id']}#undo/2", "type": "Undo", "actor": ana["id"], "object": boost}
    post_as(client, ana, undo)
    assert reactions_line(client, path) == "1 like from the fediverse"
    assert not Comment.objects.exists()  # never comments
