"""What a visitor does in the browser, as small functions the journeys share."""

from comments.models import Comment

SUBMIT = "#comment-form button[type=submit]"


def start_comment(page, reply_to=None):
    """Begin a comment the way a person does: click Reply (or into the form), which makes
    static/js/comments.js fetch the submission token and the captcha challenge; wait until
    they are there."""
    if reply_to is not None:
        page.click(f"#c{reply_to} > .comment-box .comment-reply")
        page.wait_for_function(
            "id => document.querySelector(`#c${id} #comment-form`) !== null", arg=reply_to
        )
    # (clicking Reply already focuses the form; clicking into it again fetches nothing new)
    page.click("#comment-form textarea[name=body]")
    page.wait_for_function(
        "() => document.querySelector('#comment-form input[name=submission]').value !== ''"
    )
    if not page.locator("#comment-form .comment-captcha").count():
        return  # a returning commenter whose comment was approved skips the captcha
    page.wait_for_function(
        "() => document.querySelector('#comment-form input[name=captcha_0]').value !== ''"
    )


def fill_comment(page, *, body, name="Ada Lovelace", email="ada@example.com", answer="PASSED"):
    form = page.locator("#comment-form")
    if form.locator("input[name=name]").count():
        form.locator("input[name=name]").fill(name)
        form.locator("input[name=email]").fill(email)
    form.locator("textarea[name=body]").fill(body)
    if form.locator("input[name=captcha_1]").count():
        form.locator("input[name=captcha_1]").fill(answer)


def submit_comment(page):
    """Send the form; return the response of the page the browser lands on."""
    with page.expect_navigation() as navigation:
        page.click(SUBMIT)
    return navigation.value


def post_comment(page, *, body, reply_to=None, **fields):
    """Write and send one comment; return the new ``Comment`` (the newest with that text)."""
    start_comment(page, reply_to=reply_to)
    fill_comment(page, body=body, **fields)
    response = submit_comment(page)
    assert response.status == 200, f"{response.status} {response.url}"
    return Comment.objects.filter(body=body).latest("pk")


def is_inside(page, outer_id, inner_id):
    """Is the element ``#c<inner>`` inside ``#c<outer>`` in the live DOM?"""
    return page.evaluate(
        """([outer, inner]) => {
            const o = document.getElementById("c" + outer);
            const i = document.getElementById("c" + inner);
            return !!(o && i && o !== i && o.contains(i));
        }""",
        [outer_id, inner_id],
    )


def message_texts(page):
    """The messages on the page: at its top, and beside a comment or the form."""
    return page.locator("ul.messages li, .comment-notice p").all_inner_texts()
