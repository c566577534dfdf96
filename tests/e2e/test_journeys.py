"""The journeys of issue 6, as a visitor, a moderator and an author make them in Chromium."""

import pytest
from browsing import is_inside, message_texts, post_comment, start_comment, submit_comment
from django.urls import reverse

from comments import moderator as registry
from comments.models import Comment
from comments.tests.factories import make_comment
from comments.views import AWAITING, VISIBLE_NOW
from posts.models import Post
from posts.tests.factories import make_post, make_user

pytestmark = pytest.mark.browser

PASSWORD = "e2e-Long-passphrase-42"


@pytest.fixture
def post():
    return make_post(title="A walk by the sea", body="The *tide* was out.\n\nGulls everywhere.")


@pytest.fixture
def hold_everything(monkeypatch):
    """Every new comment is held for a moderator: the moderation policy's "moderate always"
    where the moderation app provides it, else a moderator that holds (registered in this
    process, which is also the live server's)."""
    policy = _moderation_policy()
    if policy is not None:
        policy.moderate = "always"
        policy.auto_approve_returning = False
        policy.save()
        return "policy"

    class HoldAll:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def evaluate(self, comment):
            return registry.Verdict("hold", 0.0, ["e2e: hold everything"])

    monkeypatch.setattr(registry, "_moderator", HoldAll(registry.get_moderator()))
    return "monkeypatch"


def _moderation_policy():
    """The moderation policy, if the moderation app is wired in (its moderator registered and
    its tables migrated), else None."""
    if type(registry.get_moderator()) is registry.Moderator:
        return None
    try:
        from moderation.models import Policy

        return Policy.load()
    except Exception:
        return None


def _login(page, site, user):
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit], button[type=submit]")
    assert page.url.rstrip("/").endswith("/admin"), page.url


def _staff(groups):
    user = make_user(staff=True, groups=groups)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_visitor_reads_a_post_and_comments(page, site, post):
    response = page.goto(site + post.get_absolute_url())
    assert response.status == 200
    assert page.locator("article.post h1").inner_text() == "A walk by the sea"
    assert page.locator("article.post .body em").inner_text() == "tide"
    # reading created no captcha challenge: the form's slot is empty until the visitor starts
    assert page.locator("#comment-form input[name=captcha_0]").input_value() == ""

    with page.expect_response(lambda r: "/captcha/refresh/" in r.url) as refresh:
        comment = post_comment(page, body="What a *lovely* walk.", name="Ada Lovelace")
    assert refresh.value.status == 200

    assert page.url.endswith(f"#c{comment.pk}")
    assert message_texts(page) == [VISIBLE_NOW]
    shown = page.locator(f"#c{comment.pk}")
    assert shown.locator(".comment-author").inner_text() == "Ada Lovelace"
    assert shown.locator(".comment-text em").inner_text() == "lovely"
    assert comment.status == Comment.Status.APPROVED
    assert page.locator("#comments-heading").inner_text() == "1 comment"
    assert not page.watch.errors, page.watch.errors


def test_reply_to_a_reply_nests_three_levels(page, site, post):
    page.goto(site + post.get_absolute_url())
    top = post_comment(page, body="First thoughts.", name="Ada")
    second = post_comment(page, body="A reply to Ada.", name="Babbage", reply_to=top.pk)
    # the form moved under the comment being answered and says so
    page.click(f"#c{second.pk} > .comment-box .comment-reply")
    assert page.locator("#comment-form .comment-replying").is_visible()
    assert page.locator("#comment-form .comment-replying-to").inner_text() == "Babbage"
    third = post_comment(page, body="A reply to the reply.", name="Lovelace", reply_to=second.pk)

    assert (top.depth, second.depth, third.depth) == (1, 2, 3)
    assert (second.parent_id, third.parent_id) == (top.pk, second.pk)
    assert page.url.endswith(f"#c{third.pk}")
    assert is_inside(page, top.pk, second.pk)
    assert is_inside(page, second.pk, third.pk)
    assert is_inside(page, top.pk, third.pk)
    assert not is_inside(page, third.pk, second.pk)
    assert page.locator(f"#c{top.pk} > ol.replies > #c{second.pk} > ol.replies > #c{third.pk}")
    assert page.locator(f"#c{third.pk}").get_attribute("class").split()[:2] == [
        "comment",
        "level-3",
    ]
    assert page.locator("#comments-heading").inner_text() == "3 comments"


def test_held_comment_shows_the_awaiting_moderation_notice(page, site, post, hold_everything):
    page.goto(site + post.get_absolute_url())
    comment = post_comment(page, body="Please check me first.")

    assert comment.status == Comment.Status.PENDING
    assert message_texts(page) == [AWAITING]
    # shown to its author, in place and marked (issue 11); never to anyone else
    assert page.locator(f"#c{comment.pk} .comment-held-badge").count() == 1
    assert page.locator("#comments-heading").inner_text() == "1 comment awaiting moderation"


def test_wrong_captcha_keeps_the_text(page, site, post):
    text = "A long comment I would hate to type again.\n\nSecond paragraph, *with* Markdown."
    page.goto(site + post.get_absolute_url())
    start_comment(page)
    page.fill("#comment-form input[name=name]", "Grace Hopper")
    page.fill("#comment-form input[name=email]", "grace@example.com")
    page.fill("#comment-form textarea[name=body]", text)
    page.fill("#comment-form input[name=captcha_1]", "WRONG")
    response = submit_comment(page)

    assert response.status == 400
    assert page.locator("#comment-form textarea[name=body]").input_value() == text
    assert page.locator("#comment-form input[name=name]").input_value() == "Grace Hopper"
    errors = page.locator(".form-errors").inner_text()
    assert "picture" in errors, errors
    assert Comment.objects.count() == 0
    # the page comes with a fresh challenge: answering it sends the kept text
    assert page.locator("#comment-form input[name=captcha_0]").input_value() != ""
    page.fill("#comment-form input[name=captcha_1]", "PASSED")
    response = submit_comment(page)
    assert response.status == 200
    assert message_texts(page) == [VISIBLE_NOW]
    assert Comment.objects.get().body.replace("\r\n", "\n") == text


def test_moderator_approves_from_the_queue(page, site, post, open_page):
    held = make_comment(post, body="Held until a person looks.", name="Quiet Reader")
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    moderator = _staff(["Moderators"])

    _login(page, site, moderator)
    page.goto(site + reverse("admin:moderation_heldcomment_changelist"))  # the old URL
    assert page.url.endswith(reverse("admin:moderation_queue")), page.url
    card = page.locator(f"#q{held.pk}")
    assert card.count() == 1, f"comment {held.pk} is not in the queue at {page.url}"
    card.locator("button.queue-approve").click()
    page.wait_for_selector(f"#q{held.pk}", state="detached")
    assert "1 comment approved" in page.locator("#queue-message").inner_text()

    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
    reader = open_page()
    reader.goto(site + post.get_absolute_url())
    assert reader.locator(f"#c{held.pk} .comment-text").inner_text() == "Held until a person looks."
    assert reader.locator("#comments-heading").inner_text() == "1 comment"


def test_author_writes_and_publishes_a_post_that_readers_find(page, site, open_page):
    author = _staff(["Authors"])

    _login(page, site, author)
    page.goto(f"{site}/admin/posts/post/add/")
    page.locator("#id_title").press_sequentially("Zephyr kites over the dunes")
    page.wait_for_function("() => document.querySelector('#id_slug').value !== ''")
    assert page.locator("#id_slug").input_value() == "zephyr-kites-over-the-dunes"
    body = page.locator("#id_body")
    body.click()
    body.press_sequentially("Flying **stunt kites** at dusk, with [a link](https://example.com).")
    preview = page.frame_locator("iframe.editor-preview-frame")
    preview.locator(".body strong").wait_for()
    assert preview.locator(".body strong").inner_text() == "stunt kites"
    assert preview.locator(".body a").get_attribute("href") == "https://example.com"
    page.fill("#id_tags", "zephyr-kites, Beach life")
    page.get_by_label("Publish now").check()
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "was added successfully" in page.locator("ul.messagelist").inner_text()

    post = Post.objects.get(slug="zephyr-kites-over-the-dunes")
    assert post.author == author and post.is_public
    assert sorted(post.tags.names()) == ["Beach life", "zephyr-kites"]

    reader = open_page()
    reader.goto(f"{site}/tag/zephyr-kites/")
    link = reader.get_by_role("link", name="Zephyr kites over the dunes")
    assert link.count() >= 1
    with reader.expect_navigation():
        link.first.click()
    assert reader.url == site + post.get_absolute_url()
    assert reader.locator("article.post .body strong").inner_text() == "stunt kites"

    reader.goto(f"{site}/")
    reader.fill("#search-q", "stunt kites")
    with reader.expect_navigation():
        reader.press("#search-q", "Enter")
    assert "/search/?q=stunt+kites" in reader.url
    assert reader.get_by_role("link", name="Zephyr kites over the dunes").count() >= 1


def test_moderator_opens_a_comment_in_the_comments_admin(page, site, post):
    """The comments list links each comment to its page and to its form in the admin."""
    comment = make_comment(post, name="Linked Reader", url="https://example.com/me")
    _login(page, site, _staff(["Moderators"]))
    page.goto(f"{site}/admin/comments/comment/")
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="Linked Reader").click()
    assert navigation.value.status == 200, f"HTTP {navigation.value.status} at {page.url}"
    assert page.locator("#id_url").input_value() == "https://example.com/me"
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "was changed successfully" in page.locator("ul.messagelist").inner_text()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
