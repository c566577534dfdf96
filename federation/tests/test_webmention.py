"""Webmention in: cheap checks at once, then a task verifies the source and files a comment
through the same moderation as the web form's."""

import pytest
from django.core.cache import cache

from comments.models import Comment
from comments.tests.factories import make_post
from federation.models import IncomingWebmention
from moderation.models import Decision, Policy

pytestmark = pytest.mark.django_db
ORIGIN = "http://testserver"


def h_entry(target, *, reply=True, text="Great piece on ward rounds.", name="Ana Lima"):
    link = f'<a class="u-in-reply-to" href="{target}">your post</a>' if reply else ""
    mention = "" if reply else f'<a href="{target}">a post I liked</a>'
    return f"""<!doctype html><html><body>
<article class="h-entry">
  <span class="p-author h-card"><img class="u-photo" src="https://ana.example/me.jpg" alt="">
    <a class="p-name u-url" href="https://ana.example/">{name}</a></span>
  {link}
  <div class="e-content"><p>{text}</p>{mention}</div>
  <time class="dt-published" datetime="2026-11-30T10:00:00+00:00">yesterday</time>
</article></body></html>"""


@pytest.fixture
def post(db):
    return make_post(title="Ward rounds")


@pytest.fixture
def target(post):
    return ORIGIN + post.get_absolute_url()


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """POST a Webmention to our endpoint; its verification task runs on commit (at once)."""

    def send(source, target, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/webmention/", {"source": source, "target": target}, **extra)

    return send


def test_a_reply_is_verified_and_filed_as_a_comment_with_its_evidence(site, send, target, post):
    source = site.page("/reply", h_entry(target))
    response = send(source, target)
    assert response.status_code == 202
    comment = Comment.objects.get(post=post)
    assert comment.kind == "comment" and comment.channel == "webmention"
    assert comment.source_url == source
    assert comment.name == "Ana Lima" and comment.url == "https://ana.example/"
    assert comment.avatar_url == "https://ana.example/me.jpg"
    assert "ward rounds" in comment.body_html
    assert comment.created_at.isoformat() == "2026-11-30T10:00:00+00:00"
    decision = Decision.objects.get(comment=comment)
    assert decision.reason.startswith("Webmention verified: source links to the post; ")
    mention = IncomingWebmention.objects.get()
    assert (mention.state, mention.kind) == ("filed", "reply")


def test_a_page_that_only_links_is_a_mention(site, send, target, post):
    source = site.page("/mention", h_entry(target, reply=False))
    send(source, target)
    comment = Comment.objects.get(post=post)
    assert comment.kind == "mention" and comment.name == "Ana Lima"
    assert comment.url == source  # the mentions list links the page that links here


def test_a_page_without_microformats_is_a_mention_named_after_its_site(site, send, target, post):
    send(site.page("/plain", f'<p>See <a href="{target}">this</a>.</p>'), target)
    comment = Comment.objects.get(post=post)
    assert comment.kind == "mention" and comment.name == "127.0.0.1"


def test_a_source_that_does_not_link_makes_no_comment(site, send, target):
    response = send(site.page("/nolink", "<p>Nothing to see.</p>"), target)
    assert response.status_code == 202  # the sender hears later, by the lack of a comment
    assert not Comment.objects.exists()
    assert IncomingWebmention.objects.get().state == "rejected"


def test_the_link_must_be_exact_not_a_mention_of_the_text(site, send, target):
    send(site.page("/text", f"<p>I read {target} today</p>"), target)
    assert not Comment.objects.exists()


def test_an_updated_source_updates_its_comment(site, send, target, post):
    source = site.page("/reply", h_entry(target))
    send(source, target)
    site.page("/reply", h_entry(target, text="Edited: great piece."))
    send(source, target)
    comment = Comment.objects.get(post=post)
    assert "Edited: great piece." in comment.body_html


def test_a_source_that_stops_linking_has_its_comment_removed(site, send, target, post):
    source = site.page("/reply", h_entry(target))
    send(source, target)
    site.page("/reply", "<p>I took the link out.</p>")
    send(source, target)
    comment = Comment.objects.get(post=post)
    assert comment.status == "removed" and "ward rounds" not in comment.body_html
    assert IncomingWebmention.objects.first().state == "removed"


def test_a_source_that_is_gone_has_its_comment_removed_and_erased(site, send, target, post):
    source = site.page("/reply", h_entry(target))
    send(source, target)
    site.page("/reply", "", status=410)
    send(source, target)
    comment = Comment.objects.get(post=post)
    assert comment.status == "removed" and comment.url == "" and "ward" not in comment.body


def test_a_like_is_counted_not_a_comment(site, send, target):
    like = f'<div class="h-entry"><a class="u-like-of" href="{target}">liked</a></div>'
    send(site.page("/like", like), target)
    assert not Comment.objects.exists()
    mention = IncomingWebmention.objects.get()
    assert (mention.state, mention.kind) == ("counted", "like")


def test_script_in_the_source_is_not_kept(site, send, target, post):
    send(
        site.page("/x", h_entry(target, text='hi<script>alert(1)</script><b onclick="x">b</b>')),
        target,
    )
    html = Comment.objects.get(post=post).body_html
    assert "<script" not in html and "onclick" not in html


def test_a_held_mention_is_in_the_queue_marked_with_its_source(site, send, target, admin_client):
    Policy.objects.update_or_create(pk=1, defaults={"moderate": Policy.Moderate.ALWAYS})
    cache.clear()
    source = site.page("/reply", h_entry(target))
    send(source, target)
    assert Comment.objects.get().status == "pending"
    page = admin_client.get("/admin/moderation/queue/").content.decode()
    assert f'via <a href="{source}"' in page and "Webmention</a>" in page
    comment = Comment.objects.get()
    assert comment.reasons and all(reason in page for reason in comment.reasons)
    decision = Decision.objects.get(comment=comment)
    assert decision.reason.startswith("Webmention verified: source links to the post")


def test_an_approved_webmention_reply_shows_in_the_thread_marked_via_webmention(
    site, send, target, client, post
):
    source = site.page("/reply", h_entry(target))
    send(source, target)
    assert Comment.objects.get().status == "approved"
    page = client.get(post.get_absolute_url()).content.decode()
    assert (
        f'<a class="comment-via" href="{source}" rel="nofollow ugc noopener">via Webmention</a>'
        in page
    )


# --- what the endpoint refuses at once ---------------------------------------------------------


@pytest.mark.parametrize(
    "source, to, why",
    [
        ("", "{target}", "required"),
        ("ftp://a.example/x", "{target}", "http or https"),
        ("{target}", "{target}", "must differ"),
        ("https://a.example/x", "https://elsewhere.example/2020/01/x/", "not on this site"),
        ("https://a.example/x", ORIGIN + "/2020/01/no-such-post/", "not a post"),
        ("https://a.example/x", ORIGIN + "/tag/x/", "not a post"),
    ],
)
def test_bad_requests_are_refused_with_400(client, target, source, to, why):
    source, to = source.format(target=target), to.format(target=target)
    response = client.post("/webmention/", {"source": source, "target": to})
    assert response.status_code == 400 and why in response.content.decode()
    assert not IncomingWebmention.objects.exists()


def test_a_draft_or_a_hidden_page_is_not_a_target(client):
    from posts.models import Post
    from posts.tests.factories import make_page

    draft = make_post(status=Post.Status.DRAFT)
    hidden = make_page(is_published=False)
    for url in (draft.get_absolute_url(), hidden.get_absolute_url()):
        response = client.post(
            "/webmention/", {"source": "https://a.example/", "target": ORIGIN + url}
        )
        assert response.status_code == 400
    assert not IncomingWebmention.objects.exists()


def test_get_is_not_allowed(client):
    assert client.get("/webmention/").status_code == 405


def test_it_needs_no_csrf_token(target):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/webmention/", {"source": "https://a.example/x", "target": target}
    )
    assert response.status_code == 202


def test_a_large_body_is_refused(client, target, settings):
    response = client.post(
        "/webmention/", {"source": "https://a.example/" + "x" * 9000, "target": target}
    )
    assert response.status_code == 413
    assert not IncomingWebmention.objects.exists()


def test_an_address_that_sends_too_many_gets_429(client, target, settings):
    settings.WEBMENTION_RATE_LIMIT = (2, 3600)
    codes = [
        client.post(
            "/webmention/", {"source": f"https://s{n}.example/", "target": target}
        ).status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]


def test_a_source_host_that_sends_too_many_gets_429_with_the_wait_its_limit_has_left(
    client, target, settings, monkeypatch
):
    from types import SimpleNamespace

    from comments import ratelimit

    # 2,800 s into an hour's window: 800 s left (the limiter's own clock, fixed)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_000_000.0))
    settings.WEBMENTION_SOURCE_RATE_LIMIT = (2, 3600)
    answers = [
        client.post(
            "/webmention/", {"source": f"https://spam.example/{n}", "target": target},
            REMOTE_ADDR=f"203.0.113.{n}",
        )
        for n in range(3)
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [202, 202, 429]
    assert answers[2]["Retry-After"] == "800"  # was always 60, whatever the window


def test_a_full_queue_answers_429_and_a_repeat_is_not_queued_twice(client, target, settings):
    settings.WEBMENTION_MAX_QUEUED = 2
    post = lambda source: client.post("/webmention/", {"source": source, "target": target})  # noqa: E731
    assert post("https://a.example/1").status_code == 202
    assert post("https://a.example/1").status_code == 202  # the same one again
    assert post("https://a.example/2").status_code == 202
    response = post("https://a.example/3")
    assert response.status_code == 429 and response["Retry-After"]
    assert IncomingWebmention.objects.count() == 2


def test_an_unreachable_source_is_recorded_as_failed(send, target, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    send("http://127.0.0.1:9/x", target)  # a loopback address is refused, for good
    mention = IncomingWebmention.objects.get()
    assert mention.state == "failed" and "non-public" in mention.detail


def test_operators_see_what_was_received_in_the_admin(site, send, target, admin_client):
    source = site.page("/reply", h_entry(target))
    send(source, target)
    page = admin_client.get("/admin/federation/incomingwebmention/").content.decode()
    assert source in page and "Verified and filed as a comment" in page
    assert admin_client.get("/admin/federation/sentwebmention/").status_code == 200


@pytest.mark.parametrize("form", ["fragment", "permalink"])
def test_a_reply_to_one_of_our_comments_is_threaded_under_it(site, send, post, form):
    from comments.tests.factories import make_comment

    parent = make_comment(post, name="Ben")
    if form == "fragment":
        target = ORIGIN + post.get_absolute_url() + f"#c{parent.pk}"
    else:
        target = ORIGIN + parent.get_absolute_url()
    assert send(site.page("/reply", h_entry(target)), target).status_code == 202
    reply = Comment.objects.get(channel="webmention")
    assert reply.post == post and reply.parent == parent and reply.depth == 2


def test_a_held_comment_is_no_target(client, post):
    from comments.tests.factories import make_comment

    held = make_comment(post, status="pending")
    response = client.post(
        "/webmention/",
        {"source": "https://a.example/", "target": ORIGIN + held.get_absolute_url()},
    )
    assert response.status_code == 400


def test_a_source_that_is_down_is_tried_again_later(site, target, send, queue):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    source = site.page("/reply", "busy", status=503)
    assert send(source, target).status_code == 202
    queue()  # the first try meets the 503
    retry = DBTaskResult.objects.get(status="READY", task_path__endswith="verify_webmention")
    assert retry.run_after > timezone.now()
    assert IncomingWebmention.objects.get().state == "queued" and not Comment.objects.exists()


def test_a_post_with_only_a_mention_shows_it(site, send, target, post, client):
    send(site.page("/mention", h_entry(target, reply=False)), target)
    page = client.get(post.get_absolute_url())  # a 500 before: no threads, no thread count
    assert page.status_code == 200 and "Mentions" in page.content.decode()
