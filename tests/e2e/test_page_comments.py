"""A page takes comments in the browser as a post does: the thread, a reply that nests, and
the same look at a phone's and a desktop's width (screenshots in tests/artifacts/)."""

import pytest
from browsing import is_inside, message_texts, post_comment

from comments.models import Comment
from comments.views import VISIBLE_NOW
from posts.tests.factories import make_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_visitor_comments_on_a_page_and_replies(page, site, artifacts, width):
    about = make_page(title="About the ward", slug="about", body="Who writes here, and why.")
    Comment.objects.create(page=about, name="Ines", body="Welcome, *everyone*.")
    page.set_viewport_size({"width": width, "height": 900})
    assert page.goto(site + about.get_absolute_url()).status == 200
    assert page.locator("#comments-heading").inner_text() == "1 comment"

    top = post_comment(page, body="Is there a way to *write to you*?", name="Ada Lovelace")
    assert (top.page_id, top.post_id) == (about.pk, None)
    assert page.url.endswith(f"#c{top.pk}")
    assert message_texts(page) == [VISIBLE_NOW]
    reply = post_comment(page, body="Yes: the form below.", name="Ines", reply_to=top.pk)
    assert (reply.page_id, reply.parent_id, reply.depth) == (about.pk, top.pk, 2)
    assert is_inside(page, top.pk, reply.pk)
    assert page.locator("#comments-heading").inner_text() == "3 comments"
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    page.screenshot(path=str(artifacts / f"page-comments-{width}.png"), full_page=True)
    assert not page.watch.errors, page.watch.errors
