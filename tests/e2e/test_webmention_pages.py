"""Comments from the open web as people see them: a Webmention reply in the thread marked
"via Webmention", a mention below it, and a held one in the moderators' queue; screenshots
at 390 and 1280 px, axe-core, no sideways scroll."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.tests.factories import make_comment
from federation.intake import RemoteComment, file_remote_comment
from posts.tests.factories import make_post, make_user
from tests.e2e.test_pages import _axe, _readable

pytestmark = pytest.mark.browser
PASSWORD = "e2e-Long-passphrase-42"


def remote(source, **fields):
    return RemoteComment(
        channel=Comment.Channel.WEBMENTION,
        source_url=source,
        note="Webmention verified: source links to the post",
        **fields,
    )


@pytest.fixture
def post():
    post = make_post(title="Networks in medical education", body="Teach with your network.")
    make_comment(post, name="Ada", body="A comment from the web form.")
    file_remote_comment(
        post,
        remote(
            "https://ana.example/2026/12/reply-to-networks",
            name="Ana Lima",
            url="https://ana.example/",
            html="<p>A reply from my own blog: our residents found the same.</p>",
        ),
    )
    file_remote_comment(
        post,
        remote(
            "https://ben.example/notes/links",
            name="Ben",
            url="https://ben.example/notes/links",
            html="<p>Ben links here.</p>",
            kind=Comment.Kind.MENTION,
        ),
    )
    post.refresh_from_db()
    return post


@pytest.mark.parametrize("width", [390, 1280])
def test_a_webmention_reply_in_the_thread(page, site, artifacts, post, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + post.get_absolute_url())
    via = page.locator(".comment-via")
    assert via.count() == 1 and via.inner_text() == "via Webmention"
    assert via.get_attribute("href") == "https://ana.example/2026/12/reply-to-networks"
    assert page.locator(".mention").inner_text().startswith("Ben")
    page.locator("#comments").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"webmention-thread-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_thread_with_webmentions_is_accessible(open_page, site, post, axe_source):
    page = open_page(bypass_csp=True)
    page.goto(site + post.get_absolute_url())
    violations = _axe(page, axe_source)
    assert not violations, _readable("post", violations)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_held_webmention_in_the_queue(open_page, site, artifacts, width):
    from moderation.models import Policy

    Policy.objects.update_or_create(pk=1, defaults={"moderate": Policy.Moderate.ALWAYS})
    post = make_post(title="Ward rounds")
    file_remote_comment(
        post,
        remote("https://ana.example/reply", name="Ana Lima", html="<p>Held for a person.</p>"),
    )
    user = make_user(staff=True, groups=["Moderators"])
    user.set_password(PASSWORD)
    user.save()
    page = open_page()
    page.set_viewport_size({"width": width, "height": 900})
    queue = reverse("admin:moderation_queue")
    page.goto(f"{site}/admin/login/?next={queue}")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit], button[type=submit]")
    via = page.locator(".queue-via")
    assert via.inner_text() == "via Webmention, its source checked to link here"
    page.screenshot(path=str(artifacts / f"webmention-queue-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [390, 1280])
def test_likes_and_boosts_show_small_under_the_post(page, site, artifacts, post, settings, width):
    from federation.activitypub.reactions import touch
    from federation.models import Reaction, RemoteActor

    settings.FEDERATION = True
    for n, kind in enumerate(["like", "like", "like", "announce"]):
        actor = RemoteActor.objects.create(actor_id=f"https://m.example/u/{n}", key_id=f"k{n}",
                                           public_key_pem="-", inbox="i", domain="m.example")  # fmt: skip
        Reaction.objects.create(kind=kind, activity_id=f"https://m.example/a/{n}", actor=actor,
                                post=post)  # fmt: skip
    touch([post])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + post.get_absolute_url())
    line = page.locator("article .reactions")
    assert line.inner_text() == "3 likes · 1 boost from the fediverse"
    assert line.is_visible()
    line.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"reactions-{width}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
