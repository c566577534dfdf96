"""What a visitor meets when commenting (issue 11): their own held comment in place, for them
alone; messages beside it; errors and a preview on the post page; the captcha's picture and
audio."""

import io
import re

import pytest
from captcha.models import CaptchaStore
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from comments import challenge, threads, tokens
from comments.models import Comment, NotificationAddress
from comments.moderator import Moderator, Verdict
from comments.tests.factories import form_fields, make_comment, make_post
from comments.views import AWAITING, CHECK_INBOX, VISIBLE_NOW

pytestmark = pytest.mark.usefixtures("blog")
URL = "/comments/post/"


@pytest.fixture
def hold(monkeypatch):
    monkeypatch.setattr(Moderator, "evaluate", lambda self, c: Verdict("hold", 0.5, ["links"]))


def _li(html, pk):
    """The markup of comment ``pk``'s own box (up to its first reply or the next comment)."""
    found = re.search(rf'<li id="c{pk}"[^>]*>(.*?)(?:<li id="c|</ol>)', html, re.S)
    return found[0] if found else ""


def test_a_held_reply_is_shown_in_place_to_its_author_alone(client, hold, django_user_model):
    post = make_post()
    parent = make_comment(post, name="Ada", body="The first word.")
    response = client.post(URL, form_fields(client, post, parent=parent, body="Held *reply*."))
    held = Comment.objects.get(status="pending")
    assert response["Location"] == post.get_absolute_url() + f"#c{held.pk}"

    mine = client.get(post.get_absolute_url()).content.decode()
    box = _li(mine, held.pk)
    assert "Held <em>reply</em>." in box and "Awaiting moderation" in box
    assert "comment-own-held" in box
    # inside its parent's replies, where it will be once approved
    assert re.search(
        rf'<li id="c{parent.pk}".*?<ol class="replies">\s*<li id="c{held.pk}"', mine, re.S
    )

    stranger = client_class_get(post)
    assert "Held" not in stranger and f'id="c{held.pk}"' not in stranger
    post.refresh_from_db()
    cached = cache.get(threads._cache_key(post, threads.threads_per_page(), 1))
    assert cached is not None and "Held" not in cached[0]
    assert "Held" not in threads.thread_for(post, 1)[0]


def client_class_get(post):
    from django.test import Client

    return Client().get(post.get_absolute_url()).content.decode()


def test_the_my_comments_cookie_is_long_lived_signed_and_apart_from_the_edit_cookie(client, hold):
    post = make_post()
    response = client.post(URL, form_fields(client, post, body="Mine."))
    cookie = response.cookies[tokens.MINE_COOKIE]
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert response.cookies[tokens.EDIT_COOKIE]["max-age"] == tokens.EDIT_SECONDS
    held = Comment.objects.get()
    assert f"{post.pk}-{held.pk}" in cookie.value

    # a hand-made cookie naming someone else's comment shows nothing
    from django.test import Client

    other = Client()
    other.cookies[tokens.MINE_COOKIE] = f"{post.pk}-{held.pk}"
    assert "Mine." not in other.get(post.get_absolute_url()).content.decode()
    # the real one still works after the edit cookie has gone
    del client.cookies[tokens.EDIT_COOKIE]
    assert "Mine." in client.get(post.get_absolute_url()).content.decode()


def test_once_approved_it_is_an_ordinary_comment(client, hold):
    post = make_post()
    client.post(URL, form_fields(client, post, body="Wait for me."))
    held = Comment.objects.get()
    held.status = Comment.Status.APPROVED
    held.save()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Awaiting moderation" not in html and "Wait for me." in html
    assert "1 comment</h2>" in html


def test_a_removed_own_comment_is_not_shown(client, hold):
    post = make_post()
    client.post(URL, form_fields(client, post, body="Gone soon."))
    Comment.objects.update(status=Comment.Status.REMOVED)
    assert "Gone soon." not in client.get(post.get_absolute_url()).content.decode()


def test_the_message_is_inside_the_held_comment_not_at_the_top(client, hold):
    post = make_post()
    response = client.post(URL, form_fields(client, post, body="Where am I?"), follow=True)
    html = response.content.decode()
    held = Comment.objects.get()
    box = _li(html, held.pk)
    assert 'class="comment-notice"' in box and AWAITING in box
    assert 'class="messages"' not in html
    assert '<h2 id="comments-heading">1 comment awaiting moderation</h2>' in html
    # read once: the next visit shows the comment, not the message
    again = client.get(post.get_absolute_url()).content.decode()
    assert "Where am I?" in again and AWAITING not in again


def test_a_visible_comment_gets_its_message_beside_it(client):
    post = make_post()
    response = client.post(URL, form_fields(client, post), follow=True)
    comment = Comment.objects.get()
    box = _li(response.content.decode(), comment.pk)
    assert VISIBLE_NOW in box and CHECK_INBOX not in box


def test_ticking_email_me_replies_says_to_check_the_inbox(client, mailoutbox):
    post = make_post()
    response = client.post(URL, form_fields(client, post, notify="on"), follow=True)
    assert CHECK_INBOX in _li(response.content.decode(), Comment.objects.get().pk)

    # a confirmed address needs no confirming
    NotificationAddress.objects.update(confirmed_at="2026-01-01T00:00:00Z")
    response = client.post(URL, form_fields(client, post, notify="on", body="Again."), follow=True)
    assert CHECK_INBOX not in response.content.decode()


def test_an_edit_that_is_held_shows_the_comment_not_zero_comments(client, monkeypatch):
    post = make_post()
    client.post(URL, form_fields(client, post, body="Short."))
    comment = Comment.objects.get()
    monkeypatch.setattr(Moderator, "evaluate", lambda self, c: Verdict("hold", 0.6, ["links"]))
    response = client.post(
        f"/comments/{comment.pk}/edit/", {"body": "Now with links."}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"#c{comment.pk}")
    assert "Now with links." in _li(html, comment.pk)
    assert "0 comments" not in html and "1 comment awaiting moderation" in html


def test_an_empty_submit_shows_the_post_page_with_errors_beside_the_fields(client):
    post = make_post(title="The post itself")
    data = form_fields(client, post, name="", email="", body="")
    response = client.post(URL, {**data, "url": "https://kept.example/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert ">The post itself</h1>" in html  # the post page, not a page of its own
    assert 'action="/comments/post/#respond"' in html
    for field, error in (
        ("name", "Please give your name"),
        ("email", "Please give your email address"),
    ):
        paragraph = re.search(
            rf'<div class="field field-{field} field-invalid">(.*?)</div>', html, re.S
        )
        assert paragraph and error in paragraph[1] and 'aria-invalid="true"' in paragraph[1]
    assert 'value="https://kept.example/"' in html
    assert '<a href="#id_body">Comment</a>' in html  # the summary links to the field
    assert Comment.objects.count() == 0


def test_required_fields_are_marked_in_words(client):
    post = make_post()
    html = client.get(post.get_absolute_url()).content.decode()
    for label in ("Name", "Email", "Comment"):
        assert re.search(rf'>{label} <span class="req">required</span></label>', html), label
    assert 'Website <span class="req">' not in html


def test_preview_renders_the_markdown_and_saves_nothing(client):
    post = make_post()
    data = form_fields(client, post, body="Some **bold** words\n\n- a list", notify="on")
    before = CaptchaStore.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {**data, "preview": "1"})
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert not [sql for sql in writes if "INSERT" in sql or "UPDATE" in sql or "DELETE" in sql]
    html = response.content.decode()
    preview = re.search(r'<section class="comment-preview".*?</section>', html, re.S)[0]
    assert "<strong>bold</strong>" in preview and "<li>a list</li>" in preview
    assert html.index("comment-preview") < html.index('name="body"')
    # the text, the ticked box, the challenge and its answer, the token: all kept
    assert "Some **bold** words" in html or "Some &#x2A;&#x2A;bold" in html
    assert re.search(r'name="notify"[^>]*checked', html)
    assert f'name="captcha_0" value="{data["captcha_0"]}"' in html
    assert f'value="{data["captcha_1"]}"' in html
    assert f'name="submission" value="{data["submission"]}"' in html
    assert Comment.objects.count() == 0 and CaptchaStore.objects.count() == before

    # ...and the real send with the same challenge and token works
    assert client.post(URL, data).status_code == 302
    assert Comment.objects.get().body_html.startswith("<p>Some <strong>bold</strong>")


def test_preview_of_nothing_says_so(client):
    post = make_post()
    response = client.post(URL, {**form_fields(client, post, body=" "), "preview": "1"})
    assert response.status_code == 200
    assert "Nothing to preview yet" in response.content.decode()


def test_preview_raw_html_is_not_rendered(client):
    post = make_post()
    data = form_fields(client, post, body="<script>alert(1)</script> hi")
    html = client.post(URL, {**data, "preview": "1"}).content.decode()
    preview = re.search(r'<section class="comment-preview".*?</section>', html, re.S)[0]
    assert "<script>" not in preview


@pytest.mark.parametrize("installed", [True, False])
def test_the_audio_link_is_offered_only_where_flite_is(client, monkeypatch, installed):
    monkeypatch.setattr(
        challenge.shutil, "which", lambda path: "/usr/bin/flite" if installed else None
    )
    post = make_post()
    reply_page = client.get(f"/comments/reply/{post.pk}/").content.decode()
    post_page = client.get(post.get_absolute_url()).content.decode()
    refresh = client.get("/captcha/refresh/", headers={"x-requested-with": "XMLHttpRequest"})
    key = refresh.json()["key"]
    audio = client.get(f"/captcha/audio/{key}.wav")
    if installed:
        assert 'class="captcha-audio" href="/captcha/audio/' in reply_page
        assert 'class="captcha-audio"' in post_page  # filled in by comments.js
        assert refresh.json()["audio_url"] == f"/captcha/audio/{key}.wav"
    else:
        assert "captcha-audio" not in reply_page and "captcha-audio" not in post_page
        assert refresh.json()["audio_url"] is None
        assert audio.status_code == 404


def test_the_spoken_letters_are_a_wav_where_flite_is(client):
    if not challenge.audio_available():
        pytest.skip("flite is not installed (apt-get install flite)")
    refresh = client.get("/captcha/refresh/", headers={"x-requested-with": "XMLHttpRequest"})
    audio = client.get(refresh.json()["audio_url"])
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"
    assert b"".join(audio.streaming_content)[:4] == b"RIFF"


def test_the_captcha_picture_is_twice_the_old_size(client):
    key = CaptchaStore.pick()
    image = Image.open(io.BytesIO(client.get(f"/captcha/image/{key}/").content))
    assert image.width >= 170 and image.height >= 60  # the package's default is about 85x30


def test_before_writing_the_captcha_box_is_hidden_and_says_what_comes(client):
    post = make_post()
    html = client.get(post.get_absolute_url()).content.decode()
    assert re.search(r'<div class="comment-captcha"[^>]* hidden>', html)
    assert "When you start writing, a picture of letters to type appears here" in html


def test_a_my_comments_cookie_for_other_posts_costs_no_query(client, hold):
    post, other = make_post(), make_post()
    client.post(URL, form_fields(client, other, body="Elsewhere."))
    client.get(post.get_absolute_url())  # reads the message about the comment
    client.get(post.get_absolute_url())  # warms the cache
    with CaptureQueriesContext(connection) as with_cookie:
        client.get(post.get_absolute_url())
    client.cookies.clear()
    with CaptureQueriesContext(connection) as without:
        client.get(post.get_absolute_url())
    assert len(with_cookie) == len(without)


def test_a_held_reply_on_a_later_page_is_shown_there(client, hold, settings):
    settings.COMMENT_THREADS_PER_PAGE = 1
    post = make_post()
    make_comment(post, body="Thread one.")
    second = make_comment(post, body="Thread two.")
    response = client.post(URL, form_fields(client, post, parent=second, body="Late reply."))
    held = Comment.objects.get(status="pending")
    assert response["Location"] == post.get_absolute_url() + f"?cpage=2#c{held.pk}"
    assert "Late reply." in client.get(response["Location"]).content.decode()
    assert "Late reply." not in client.get(post.get_absolute_url()).content.decode()


def test_a_held_comment_on_a_page_is_shown_to_its_author_and_not_on_the_post_of_that_id(
    client, hold
):
    """The cookie names pages apart from posts: page 1's comment never shows on post 1."""
    from django.test import Client

    from posts.models import Page

    page = Page.objects.create(title="About", slug="about", body="Who we are.")
    response = client.post(URL, form_fields(client, page, body="Held on the *page*."))
    held = Comment.objects.get(status="pending")
    assert held.page == page and response["Location"] == f"/p/about/#c{held.pk}"
    box = _li(client.get("/p/about/").content.decode(), held.pk)
    assert "Held on the <em>page</em>." in box and "Awaiting moderation" in box
    assert "Held on the" not in Client().get("/p/about/").content.decode()
    post = make_post(pk=page.pk)
    assert f'id="c{held.pk}"' not in client.get(post.get_absolute_url()).content.decode()


def test_a_reply_previewed_on_a_page_keeps_its_parent_and_token(client):
    from posts.models import Page

    page = Page.objects.create(title="About", slug="about", body="Who we are.")
    parent = Comment.objects.create(page=page, name="Ines", body="Welcome.")
    data = form_fields(client, page, parent=parent, body="A *reply*.")
    response = client.post(URL, {**data, "preview": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "A <em>reply</em>." in html
    assert re.search(rf'name="parent" value="{parent.pk}"', html)
    assert f'name="submission" value="{data["submission"]}"' in html
    assert client.post(URL, data).status_code == 302
    assert Comment.objects.get(parent=parent).page == page
