# ruff: noqa: F811 (pytest fixtures imported from activitypub_support)
"""Pages take the open web's conversation as posts do: Webmentions (replies and mentions) and
fediverse replies, likes and boosts, filed on the page through the same moderation."""

import pytest

from comments.models import Comment
from federation.intake import NotATarget, find_target
from federation.models import IncomingWebmention, Reaction
from posts.tests.factories import make_page

from .activitypub_support import create, federation, key_pair, note, remote, signed_post  # noqa: F401
from .test_webmention import ORIGIN, h_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(db):
    return make_page(title="About the ward")


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def send(source, target):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/webmention/", {"source": source, "target": target})

    return send


def test_a_webmention_reply_to_a_page_is_a_comment_on_the_page(site, send, page, client):
    target = ORIGIN + page.get_absolute_url()
    source = site.page("/reply", h_entry(target, text="Lovely about page."))
    assert send(source, target).status_code == 202
    comment = Comment.objects.get()
    assert comment.page == page and comment.post is None
    assert comment.kind == "comment" and comment.channel == "webmention"
    assert IncomingWebmention.objects.get().page == page
    shown = client.get(page.get_absolute_url()).content.decode()
    assert "Lovely about page." in shown and f'id="c{comment.pk}"' in shown


def test_a_webmention_that_only_links_to_a_page_is_a_mention_listed_on_it(site, send, page, client):
    target = ORIGIN + page.get_absolute_url()
    send(site.page("/mention", h_entry(target, reply=False)), target)
    mention = Comment.objects.get(page=page)
    assert mention.kind == "mention"
    shown = client.get(page.get_absolute_url()).content.decode()
    assert "Mentions" in shown and "Ana Lima" in shown


@pytest.mark.parametrize("form", ["fragment", "permalink"])
def test_a_webmention_reply_to_a_page_comment_is_threaded_under_it(site, send, page, form):
    parent = Comment.objects.create(page=page, name="Ben", body="Nice page.")
    if form == "fragment":
        target = ORIGIN + page.get_absolute_url() + f"#c{parent.pk}"
    else:
        target = ORIGIN + parent.get_absolute_url()
    assert send(site.page("/reply", h_entry(target)), target).status_code == 202
    reply = Comment.objects.get(channel="webmention")
    assert reply.page == page and reply.parent == parent and reply.depth == 2


def test_a_hidden_or_closed_page_takes_no_webmention(client):
    for page in (make_page(is_published=False), make_page(allow_comments=False)):
        response = client.post(
            "/webmention/",
            {"source": "https://a.example/", "target": ORIGIN + page.get_absolute_url()},
        )
        assert response.status_code == 400
    assert not IncomingWebmention.objects.exists()


def test_a_comment_fragment_of_another_page_is_not_a_target(page):
    elsewhere = Comment.objects.create(page=make_page(), name="Ben", body="Other page.")
    with pytest.raises(NotATarget):
        find_target(f"{ORIGIN}{page.get_absolute_url()}#c{elsewhere.pk}", {"testserver"})
    assert find_target(ORIGIN + page.get_absolute_url(), {"testserver"}) == (page, None)


def ana_post(client, ana, activity):
    return signed_post(client, activity, ana["publicKey"]["id"], key_pair("ana")[0])


@pytest.mark.usefixtures("federation")
def test_a_fediverse_reply_to_a_page_or_its_comment_is_a_page_comment(client, remote, page):
    ana = remote.add_actor("ana")
    url = ORIGIN + page.get_absolute_url()
    assert ana_post(client, ana, create(ana, note(ana, url))).status_code == 202
    first = Comment.objects.get()
    assert first.page == page and first.channel == "activitypub" and first.parent is None
    parent = Comment.objects.create(page=page, name="Ben", body="Welcome.")
    ana_post(client, ana, create(ana, note(ana, f"{url}#c{parent.pk}", number=2)))
    ana_post(client, ana, create(ana, note(ana, f"{ORIGIN}/comments/{parent.pk}/", number=3)))
    replies = Comment.objects.filter(channel="activitypub").exclude(pk=first.pk)
    assert [(c.page_id, c.parent_id) for c in replies] == [(page.pk, parent.pk)] * 2


@pytest.mark.usefixtures("federation")
def test_a_like_of_a_page_is_counted_on_the_page(client, remote, page):
    ana = remote.add_actor("ana")
    url = ORIGIN + page.get_absolute_url()
    like = {"id": f"{ana['id']}#likes/1", "type": "Like", "actor": ana["id"], "object": url}
    assert ana_post(client, ana, like).status_code == 202
    reaction = Reaction.objects.get()
    assert reaction.page == page and reaction.post is None and reaction.about == page
    shown = client.get(page.get_absolute_url()).text
    assert '<p class="reactions">1 like from the fediverse</p>' in shown
