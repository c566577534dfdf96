"""The admin login throttle as a person meets it: a clear page that says how long to wait."""

import pytest

from logins import throttle
from posts.tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_a_locked_login_says_how_long_to_wait(page, site, artifacts, width):
    make_user("editor", staff=True)
    page.set_viewport_size({"width": width, "height": 900})
    for _ in range(throttle.PAIR_LIMIT):
        page.goto(f"{site}/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "wrong")
        with page.expect_navigation():
            page.click("input[type=submit]")
        assert page.locator(".errornote").is_visible()
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw")
    with page.expect_navigation() as answer:
        page.click("input[type=submit]")
    assert answer.value.status == 429
    note = page.locator(".errornote").inner_text()
    assert note == (
        "Too many failed logins to this account from your address. Try again in 15 minutes."
    )
    page.screenshot(path=str(artifacts / f"login-locked-{width}.png"), full_page=True)
    page.click("text=Back to the login page")
    assert page.locator("#id_username").is_visible()
