"""Webmention out: a post that becomes visible, or is edited, tells the pages it links to."""

import io
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from django.core.management import call_command
from django.utils import timezone

from federation.models import SentWebmention
from federation.webmention_send import endpoint_in_link_header
from jobs.models import FailedJob
from posts.models import Post
from posts.tests.factories import make_post

pytestmark = pytest.mark.django_db
BLOG = "https://blog.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = BLOG


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(site):
    """``[(endpoint path, source, target)]`` of the Webmentions the site received."""
    out = []
    for path, _, body in site.received:
        form = parse_qs(body.decode())
        out.append((path, form["source"][0], form["target"][0]))
    return out


def test_publishing_tells_each_linked_page_at_its_endpoint(site, on_commit):
    a = site.page(
        "/a",
        "<p>a</p>",
        Link='<https://elsewhere.example/x>; rel="other", </wm-a>; rel="webmention"',
    )
    b = site.page("/b", '<html><head><link rel="webmention" href="/wm-b?token=1"></head></html>')
    c = site.page("/c", '<p><a rel="nofollow webmention" href="wm-c">here</a></p>')
    d = site.page("/d/", '<link rel="webmention" href="">')  # the page itself
    none = site.page("/none", "<p>no endpoint</p>")
    body = f"Read [a]({a}), [b]({b}), [c]({c}), [d]({d}), [none]({none}) and [me](/p/about/)."
    with on_commit():
        post = make_post(body=body)
    source = BLOG + post.get_absolute_url()
    assert sorted(told(site)) == sorted(
        [
            ("/wm-a", source, a),
            ("/wm-b?token=1", source, b),
            ("/wm-c", source, c),
            ("/d/", source, d),
        ]
    )
    record = SentWebmention.objects.get(target=none)
    assert record.endpoint == "" and record.sent_at is None
    assert SentWebmention.objects.get(target=a).status == 202


def test_a_draft_sends_nothing_until_it_is_published(site, on_commit):
    a = site.page("/a", "", Link='</wm>; rel="webmention"')
    with on_commit():
        post = make_post(body=f"[a]({a})", status=Post.Status.DRAFT)
    assert site.received == []
    post.status = Post.Status.PUBLISHED
    with on_commit():
        post.save()
    assert len(site.received) == 1


def test_a_scheduled_post_sends_when_its_time_comes(site, on_commit):
    a = site.page("/a", "", Link='</wm>; rel="webmention"')
    with on_commit():
        post = make_post(body=f"[a]({a})", published_at=timezone.now() + timedelta(hours=1))
    assert site.received == []
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    with on_commit():
        call_command("publish_scheduled", verbosity=0)
    assert len(site.received) == 1
    with on_commit():  # the next run finds nothing due and sends nothing
        call_command("publish_scheduled", verbosity=0)
    assert len(site.received) == 1


def test_an_edit_tells_new_links_and_removed_ones_once(site, on_commit):
    a = site.page("/a", "", Link='</wm>; rel="webmention"')
    b = site.page("/b", "", Link='</wm>; rel="webmention"')
    with on_commit():
        post = make_post(body=f"[a]({a})")
    post.body = f"[b]({b}) only now"
    with on_commit():
        post.save()
    assert [t for _, _, t in told(site)] == [a, b, a]  # a again: it must see the link gone
    assert SentWebmention.objects.get(target=a).linked is False
    post.body = f"[b]({b}), edited again"
    with on_commit():
        post.save()
    assert [t for _, _, t in told(site)] == [a, b, a, b]  # a is not told twice that it left


def test_saving_without_a_change_sends_nothing_again(site, on_commit):
    a = site.page("/a", "", Link='</wm>; rel="webmention"')
    with on_commit():
        post = make_post(body=f"[a]({a})")
    with on_commit():
        post.save()
    assert len(site.received) == 1


def test_an_endpoint_that_is_down_is_retried_later(site, queue):
    from django_tasks_db.models import DBTaskResult

    a = site.page("/a", "", Link='</wm>; rel="webmention"')
    site.page("POST /wm", "busy", status=503)
    post = make_post(body=f"[a]({a})")
    from federation.webmention_send import send_webmentions

    send_webmentions.enqueue(post.pk)
    queue()
    retry = DBTaskResult.objects.get(status="READY", task_path__endswith="send_webmention")
    assert retry.run_after > timezone.now() and retry.args_kwargs["kwargs"]["attempt"] == 1
    assert SentWebmention.objects.get().status == 503
    assert not FailedJob.objects.exists()


def test_a_refused_endpoint_is_recorded_not_retried(site, on_commit):
    a = site.page("/a", "", Link='</wm>; rel="webmention"')
    site.page("POST /wm", "no", status=400)
    with on_commit():
        make_post(body=f"[a]({a})")
    record = SentWebmention.objects.get()
    assert record.status == 400 and record.sent_at is None
    assert not FailedJob.objects.exists()


def queued_sends():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__startswith="federation.").count()


def test_the_queue_sees_a_published_post_sent(queue, on_commit):
    with on_commit():
        make_post(body="[a](https://a.example/)")
    assert queued_sends() == 1  # the check below can fail


def test_seed_demo_sends_nothing(queue, on_commit, settings):
    settings.WEBSUB_HUB = "https://hub.example/"
    with on_commit():
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert Post.objects.published().exists() and queued_sends() == 0


def test_an_import_sends_nothing(queue, on_commit):
    fixture = Path(__file__).parents[2] / "transfer" / "tests" / "fixtures" / "wordpress.xml"
    with on_commit():
        call_command("import_wordpress", str(fixture), verbosity=0, stdout=io.StringIO())
    assert Post.objects.published().exists() and queued_sends() == 0


@pytest.mark.parametrize(
    "header, endpoint",
    [
        ('<https://a.example/wm>; rel="webmention"', "https://a.example/wm"),
        ("<https://a.example/wm>; rel=webmention", "https://a.example/wm"),
        ('<https://a.example/wm>; rel="webmention somethingelse"', "https://a.example/wm"),
        ('<https://a.example/x>; rel="not-webmention", </wm>; rel="webmention"', "/wm"),
        ('<https://a.example/x>; rel="other"', None),
        ("", None),
    ],
)
def test_the_link_header_is_read_as_the_spec_says(header, endpoint):
    assert endpoint_in_link_header(header) == endpoint


def test_unpublishing_tells_the_pages_again_and_the_post_answers_404(site, on_commit, client):
    a = site.page("/a", "", Link='</wm>; rel="webmention"')
    none = site.page("/none", "<p>no endpoint</p>")
    with on_commit():
        post = make_post(body=f"[a]({a}) and [none]({none})")
    source = BLOG + post.get_absolute_url()
    assert told(site) == [("/wm", source, a)]
    post.status = Post.Status.DRAFT
    with on_commit():
        post.save()
    # told again, so that it reads our URL anew and finds the post gone
    assert told(site) == [("/wm", source, a)] * 2
    assert client.get(post.get_absolute_url()).status_code == 404
    with on_commit():
        post.save()  # saved again while hidden: nothing more
    assert len(site.received) == 2


def test_deleting_a_visible_post_tells_the_pages_that_took_its_webmentions(site, on_commit):
    a = site.page("/a", "", Link='</wm>; rel="webmention"')
    with on_commit():
        post = make_post(body=f"[a]({a})")
    source = BLOG + post.get_absolute_url()
    with on_commit():
        post.delete()
    assert told(site) == [("/wm", source, a)] * 2
    assert not SentWebmention.objects.exists()


def test_deleting_a_draft_tells_no_one(site, on_commit):
    a = site.page("/a", "", Link='</wm>; rel="webmention"')
    with on_commit():
        post = make_post(body=f"[a]({a})", status=Post.Status.DRAFT)
        post.delete()
    assert site.received == []
