"""The moderators' queue in Chromium: a moderator clears twenty held comments with keys and
buttons, spams a group of near-duplicates at once and undoes it; screenshots at 390 and
1280 px, axe-core, and no sideways scroll."""

import pytest
from django.urls import reverse

from comments.models import Comment
from posts.tests.factories import make_post, make_user

pytestmark = pytest.mark.browser

PASSWORD = "e2e-Long-passphrase-42"
SERIOUS = ("serious", "critical")
QUEUE = reverse("admin:moderation_queue")
ADVERT = (
    "Read our free twelve tips for using social media as a medical educator, free until "
    "the end of the month at http://tips.example/free"
)
HONEST = [
    "I walked the same path last spring and the gulls were just as loud. Did you go past the "
    "old lighthouse too? The view from the top is worth the climb.",
    "Lovely photos.",
    "Could you say more about the tide tables you used? I never know which ones to trust.",
    "We took the children there in August; they still talk about the rock pools.",
    "This reminds me of a walk in Cornwall years ago, when the fog came in so fast that we "
    "could not see our own feet and had to wait it out in a café.",
    "Is the car park open all year, or only in the summer?",
    "Beautiful writing, as always. Thank you.",
    "The second paragraph made me laugh out loud.",
    "I disagree a little: the north beach is quieter and the sand is finer.",
    "Bookmarked for our trip in May!",
    "A long word to check the layout: Llanfairpwllgwyngyllgogerychwyndrobwllllantysiliogogogoch.",
    "Which boots did you wear? Mine filled with water within the first mile.",
]
SPAMMY = [
    "Best replica watches at http://watches.example/ cheap cheap cheap, visit now!!!",
    "Earn money from home http://earn.example/ and http://earn.example/more",
    "nice post.. i like this blog. visit my site http://casino.example/",
    "CHEAP PILLS http://pills.example/ NO PRESCRIPTION",
]


def _login(page, site, user):
    page.goto(f"{site}/admin/login/?next={QUEUE}")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit], button[type=submit]")


@pytest.fixture
def moderator():
    user = make_user(staff=True, groups=["Moderators"], first_name="Mo", last_name="Derator")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def queue():
    """Twenty held comments: four copies of one advert on three posts, four spam, twelve
    honest ones (one a reply), with scores across the range."""
    posts = [make_post(title=t) for t in ("A walk by the sea", "Tide tables", "Rock pools")]
    parent = Comment.objects.create(
        post=posts[0], name="Ada", email="ada@example.com",
        body="The lighthouse was closed when we went, sadly; the café by it was open.",
    )  # fmt: skip
    made = []

    def hold(post, body, score, reasons, **fields):
        made.append(Comment.objects.create(
            post=post, name=fields.pop("name", f"Reader {len(made) + 1}"),
            email=fields.pop("email", f"reader{len(made)}@mail.example"),
            body=body, status="pending", score=score, reasons=reasons, **fields,
        ))  # fmt: skip

    for i, tail in enumerate(("", " Share it!", " Free!", "")):
        hold(posts[i % 3], ADVERT + tail, 0.9, ["near-duplicate of an earlier comment",
             "filter 0.90: link to tips.example, 'FREE'"], name="Informa Tips")  # fmt: skip
    for i, body in enumerate(SPAMMY):
        hold(posts[i % 3], body, 0.8 + i * 0.04, ["filter: 'cheap', link", "2 links (limit 2)"])
    for i, body in enumerate(HONEST):
        hold(
            posts[i % 3], body, 0.55 + (i % 5) * 0.02, ["words often in spam here: 'tide' "
            f"(filter {0.55 + (i % 5) * 0.02:.2f})"], parent=parent if i == 0 else None,
        )  # fmt: skip
    assert len(made) == 20
    return made


def _cards(page):
    return page.locator("#queue-cards > .queue-card").count()


def _wait_cards(page, n):
    page.wait_for_function(
        "n => document.querySelectorAll('#queue-cards > .queue-card').length === n", arg=n
    )


def _no_sideways_scroll(page, width):
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                      (e.className && typeof e.className === 'string' ? '.' + e.className : ''))
            .slice(0, 10)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), overflow


def _axe(page, axe_source):
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.html.slice(0, 160))}));
        }"""
    )
    return [v for v in result if v["impact"] in SERIOUS]


@pytest.mark.parametrize("width", [390, 1280])
def test_queue_looks_right_and_everyone_can_use_it(
    open_page, site, artifacts, queue, moderator, axe_source, width
):
    page = open_page(bypass_csp=True)  # axe-core is injected inline
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, site, moderator)
    assert page.url.endswith(QUEUE), page.url
    assert _cards(page) == 17  # the four copies of the advert share one card
    group = page.locator(".queue-group")
    assert "4 like this on 3 posts" in group.inner_text()
    page.screenshot(path=str(artifacts / f"moderation-queue-{width}.png"), full_page=True)
    page.screenshot(path=str(artifacts / f"moderation-queue-{width}-top.png"))
    _no_sideways_scroll(page, width)
    # the text has room: not an 87 px column
    text_width = page.locator(".queue-card .queue-text").first.bounding_box()["width"]
    assert text_width >= min(width - 80, 500), text_width
    violations = _axe(page, axe_source)
    assert not violations, violations


def test_moderator_clears_twenty_with_keys_buttons_a_group_and_undo(
    page, site, artifacts, queue, moderator
):
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, site, moderator)
    page.goto(site + reverse("admin:moderation_heldcomment_changelist"))  # the old URL
    assert page.url.endswith(QUEUE)
    assert "j" in page.locator("#queue-keys").inner_text()
    assert _cards(page) == 17

    # the group: one click spams all four copies of the advert
    group = page.locator(".queue-group")
    group_ids = [int(x) for x in group.get_attribute("data-ids").split()]
    group.locator("button.queue-spam").click()
    _wait_cards(page, 16)
    assert set(Comment.objects.filter(pk__in=group_ids).values_list("status", flat=True)) == {
        "spam"
    }
    assert "4 comments marked spam" in page.locator("#queue-message").inner_text()

    # ... and Undo puts them back in the queue
    page.locator("#queue-undo button").click()
    page.wait_for_load_state()
    _wait_cards(page, 17)
    assert set(Comment.objects.filter(pk__in=group_ids).values_list("status", flat=True)) == {
        "pending"
    }

    # keys: j moves down, k up; a, s and r act on the current card
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    second = page.locator("#queue-cards > .queue-card").nth(1)
    assert "queue-current" in second.get_attribute("class")
    second_ids = [int(x) for x in second.get_attribute("data-ids").split()]
    page.keyboard.press("a")
    _wait_cards(page, 16)
    assert {c.status for c in Comment.objects.filter(pk__in=second_ids)} == {"approved"}

    # a reply from the card: the moderator's own, approved, and it approves the comment
    card = page.locator("#queue-cards > .queue-card").first
    card_id = int(card.get_attribute("data-ids").split()[0])
    card.locator(".queue-reply summary").click()
    card.locator("textarea").fill("Thanks for reading!")
    card.locator(".queue-reply-form button").click()
    _wait_cards(page, 15)
    reply = Comment.objects.get(parent_id=card_id)
    assert reply.user == moderator and reply.status == "approved"
    assert Comment.objects.get(pk=card_id).status == "approved"

    # the rest, by keys and buttons in turn
    keys = "asr"
    left = 15
    while left:
        if left % 4 == 0:
            page.locator("#queue-cards > .queue-card").first.locator("button.queue-remove").click()
        else:
            page.keyboard.press(keys[left % 3])
        left -= 1
        _wait_cards(page, left)
    assert page.locator("#queue-empty").is_visible()
    assert not Comment.objects.filter(status="pending").exists()
    assert page.locator("#queue-count").inner_text().startswith("0")
    page.screenshot(path=str(artifacts / "moderation-queue-cleared-1280.png"))
    # nothing was reloaded by the actions after the undo: one navigation for the undo only
    assert not page.watch.errors
