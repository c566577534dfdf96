"""Proof against code we did not write: a Webmention sent by ``ronkyuu`` (PyPI) to the live
site arrives verified in the moderation queue; and one text gets one verdict, whichever
channel brings it."""

import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import connections
from ronkyuu import sendWebmention

from comments.models import Comment
from comments.tests.factories import form_fields
from federation.models import IncomingWebmention
from moderation.models import Decision, Policy
from posts.tests.factories import make_post

SPAM = (
    "very good post. i like this post and this site also. thanks for sharing\n\n"
    "Greenfield International School best CBSE school in Pune"
)


class QuietHandler(WSGIRequestHandler):
    def handle(self):
        try:
            super().handle()
        finally:
            connections.close_all()  # this thread's: the test database can then be dropped

    def log_message(self, *args):
        pass


@pytest.fixture
def blog_server(transactional_db, settings):
    """Our whole site over real HTTP on loopback (the WSGI application, built after the test's
    settings, so plain HTTP as in the other tests)."""
    httpd = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    settings.SITE_URL = f"http://127.0.0.1:{httpd.server_address[1]}"  # links name this server
    yield settings.SITE_URL
    httpd.shutdown()
    httpd.server_close()


def h_entry(target, text, name="Anonymous"):
    paragraphs = "\n".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return f"""<!doctype html><html><head><title>A reply</title></head><body>
<article class="h-entry"><span class="p-author h-card"><span class="p-name">{name}</span></span>
<a class="u-in-reply-to" href="{target}">in reply to</a>
<div class="e-content">{paragraphs}</div></article></body></html>"""


def test_a_webmention_sent_by_ronkyuu_arrives_verified_in_the_queue(blog_server, site):
    Policy.objects.update_or_create(pk=1, defaults={"moderate": Policy.Moderate.ALWAYS})
    cache.clear()
    post = make_post(title="Networks in medical education")
    target = blog_server + post.get_absolute_url()
    source = site.page("/reply", h_entry(target, "A thoughtful reply about networks.", "Ana"))

    response = sendWebmention(source, target, timeout=20)

    assert response is not None and response.status_code == 202
    comment = Comment.objects.get(post=post)
    assert (comment.status, comment.channel, comment.kind) == ("pending", "webmention", "comment")
    assert comment.source_url == source and comment.name == "Ana"
    decision = Decision.objects.get(comment=comment)
    assert decision.reason.startswith("Webmention verified: source links to the post")
    assert IncomingWebmention.objects.get().state == "filed"

    # a source that does not link to the post is rejected: no comment
    other = site.page("/unrelated", "<p>Nothing about your post.</p>")
    assert sendWebmention(other, target, timeout=20).status_code == 202
    assert Comment.objects.filter(post=post).count() == 1
    assert IncomingWebmention.objects.get(source=other).state == "rejected"


@pytest.mark.django_db
def test_the_same_spam_gets_the_same_verdict_by_form_and_by_webmention(
    client, site, settings, django_capture_on_commit_callbacks
):
    settings.COMMENT_MIN_SECONDS = 0
    settings.COMMENT_RATE_LIMIT = (0, 60)
    by_form, by_webmention = make_post(), make_post()
    client.post(
        "/comments/post/",
        form_fields(client, by_form, name="Anonymous", email="anon@example.com", body=SPAM),
    )
    form_comment = Comment.objects.get(post=by_form)
    verdict = (form_comment.status, form_comment.reasons, round(form_comment.score, 6))
    # each judged as the first of its kind: the second would also be a near-duplicate
    form_comment.delete()

    target = "http://testserver" + by_webmention.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/webmention/", {"source": site.page("/spam", h_entry(target, SPAM)), "target": target}
        )

    mention = Comment.objects.get(post=by_webmention)
    assert form_comment.channel == "web" and mention.channel == "webmention"
    assert verdict[0] != "approved"
    assert (mention.status, mention.reasons, round(mention.score, 6)) == verdict
