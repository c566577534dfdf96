# ruff: noqa: F811 (pytest fixtures imported from activitypub_support)
"""Followers hear about a post when it becomes visible, when it changes and when it goes,
once per shared inbox, signed; imports and demo content send nothing."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.tests.factories import make_post
from federation.activitypub import keys, signatures
from federation.activitypub.delivery import sync_post
from federation.models import ActorKey, Follower, RemoteActor
from jobs.models import FailedJob
from posts.models import Post
from transfer.tests.conftest import CLASSIC, run

from .activitypub_support import federation, remote  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("federation")


@pytest.fixture
def followers(remote):
    """Two followers on one server (one shared inbox), one on a server without one."""
    for name, shared in [("ana", True), ("bo", True), ("cy", False)]:
        actor = RemoteActor.objects.create(
            actor_id=f"{remote.base}/users/{name}",
            key_id=f"{remote.base}/users/{name}#main-key",
            public_key_pem="-",
            inbox=f"{remote.base}/users/{name}/inbox",
            shared_inbox=f"{remote.base}/inbox" if shared else "",
            domain="127.0.0.1",
        )
        Follower.objects.create(actor=actor, follow_id=f"{actor.actor_id}/follow")
    return remote


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what was queued on commit (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sent(server):
    return [(path, body["type"], body["object"]) for path, _, body in server.received]


def test_publishing_sends_one_signed_create_per_shared_inbox(followers, commits):
    with commits():
        post = make_post(title="Ward rounds")
    assert sorted(path for path, _, _ in sent(followers)) == ["/inbox", "/users/cy/inbox"]
    (_, headers, create), _ = followers.received
    assert create["type"] == "Create" and create["actor"] == "http://testserver/ap/actor"
    assert create["object"]["type"] == "Article" and create["object"]["name"] == "Ward rounds"
    assert create["object"]["id"] == f"http://testserver{post.get_absolute_url()}"
    # the signature verifies with the key the actor publishes, over the exact body sent
    path = "/inbox" if followers.received[0][0] == "/inbox" else "/users/cy/inbox"
    body = json.dumps(create).encode()
    signed = signatures.SignedRequest("POST", path, headers, body)
    signed.check_envelope()
    assert signed.verify_with(ActorKey.objects.get().public_key_pem)
    assert signed.names == ["(request-target)", "host", "date", "digest"]


def test_editing_sends_update_only_when_the_article_changed(followers, commits):
    with commits():
        post = make_post()
    followers.received.clear()
    with commits():
        post.save()  # nothing changed that followers see
    assert followers.received == []
    with commits():
        post.title = "A better title"
        post.save()
    assert [kind for _, kind, _ in sent(followers)] == ["Update", "Update"]  # two inboxes
    assert sent(followers)[-1][2]["name"] == "A better title"
    followers.received.clear()
    sync_post.call(post.pk)  # the task run twice sends nothing twice
    assert followers.received == []


def test_unpublishing_and_deleting_send_delete_once(followers, commits):
    with commits():
        post = make_post()
    url = f"http://testserver{post.get_absolute_url()}"
    followers.received.clear()
    with commits():
        post.status = Post.Status.DRAFT
        post.save()
    assert {(kind, obj["id"]) for _, kind, obj in sent(followers)} == {("Delete", url)}
    followers.received.clear()
    with commits():
        post.delete()  # already deleted for followers: nothing more
    assert followers.received == []
    with commits():
        other = make_post()
    followers.received.clear()
    other_url = f"http://testserver{other.get_absolute_url()}"
    with commits():
        other.delete()
    assert {(kind, obj["id"]) for _, kind, obj in sent(followers)} == {("Delete", other_url)}


def test_a_scheduled_post_is_sent_when_its_time_comes(followers, commits):
    with commits():
        post = make_post(published_at=timezone.now() + timedelta(hours=1))
    assert followers.received == []
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    with commits():
        call_command("publish_scheduled", verbosity=0)
    assert {kind for _, kind, _ in sent(followers)} == {"Create"}


def test_an_old_post_edited_after_federation_was_turned_on_is_not_sent_as_new(
    followers, commits, settings
):
    settings.FEDERATION = False
    post = make_post()
    settings.FEDERATION = True
    with commits():
        post.title = "Corrected"
        post.save()
    assert followers.received == []


def test_nothing_is_sent_with_federation_off(followers, commits, settings):
    settings.FEDERATION = False
    with commits():
        make_post()
    assert followers.received == []


def test_seed_demo_and_imports_send_nothing(followers, commits):
    with commits():
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        run("import_blogger", CLASSIC)
    assert Post.objects.count() > 4
    assert followers.received == []


def test_an_inbox_that_keeps_failing_ends_as_a_failed_job(followers, commits):
    followers.post_status = 500
    with commits():
        make_post()
    failed = FailedJob.objects.filter(task_path__endswith="delivery.deliver")
    assert failed.count() == 2  # one per shared inbox, each visible in the admin
    assert "500" in failed.first().error


def test_the_blog_key_signs_what_its_public_key_verifies():
    key = keys.blog_key()
    headers = signatures.sign_request("GET", "https://social.example/users/ana", None,
                                      "k", key.private_key_pem)  # fmt: skip
    signed = signatures.SignedRequest(
        "GET", "/users/ana", {**headers, "Host": "social.example"}, b""
    )
    signed.check_envelope()
    assert signed.verify_with(key.public_key_pem)
    assert not signed.verify_with(keys.generate()[1])


def test_the_worker_delivers_and_retries_an_inbox_that_is_down_for_a_while(
    followers, queue, commits
):
    from django_tasks_db.models import DBTaskResult

    followers.post_status = 503
    with commits():
        make_post()
    assert followers.received == []  # saving the post did not wait on another server
    with commits():
        queue()  # sync_post: queues a delivery per shared inbox
    queue()  # the deliveries: answered 503
    assert len(followers.received) == 2
    retries = DBTaskResult.objects.filter(task_path__endswith="delivery.deliver", status="READY")
    assert retries.count() == 2 and not FailedJob.objects.exists()
    followers.post_status = 202
    retries.update(run_after=timezone.now())  # they are due
    queue()
    assert len(followers.received) == 4
    assert {body["type"] for _, _, body in followers.received} == {"Create"}


def test_saving_a_post_reads_its_stored_row_once(followers, commits):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with commits():
        post = make_post(title="Ward rounds")
    post.title = "Ward rounds, revised"
    with commits(), CaptureQueriesContext(connection) as queries:
        post.save()  # (the tasks run on commit, after the capture)
    # reads of this post's row (the page cache's look for the next scheduled post is another)
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"posts_post"' in
             q["sql"].split("FROM")[1].split("WHERE")[0] and f'"posts_post"."id" = {post.pk}'
             in q["sql"]]  # fmt: skip
    assert len(reads) == 1  # what the post was; Webmention and ActivityPub share it
    assert [kind for _, kind, _ in sent(followers)][-2:] == ["Update", "Update"]
