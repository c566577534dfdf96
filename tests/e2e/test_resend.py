"""The one-time submission token in the browser (issue 9, item 5): comments.js fetches it when
the visitor starts writing; the same form sent again lands on the first comment."""

import pytest
from browsing import fill_comment, message_texts, start_comment, submit_comment
from django.urls import reverse

from comments.middleware import ALREADY_RECEIVED
from comments.models import Comment
from posts.tests.factories import make_post

pytestmark = pytest.mark.browser


def test_a_resent_form_makes_no_second_comment(page, site):
    post = make_post(title="Tokens", body="Once only.")
    page.goto(site + post.get_absolute_url())
    assert page.locator("#comment-form input[name=submission]").input_value() == ""
    with page.expect_response(lambda r: "/comments/start/" in r.url) as start:
        start_comment(page)
    assert start.value.status == 200
    fill_comment(page, body="Sent once, I hope.")
    sent = page.evaluate(
        "() => new URLSearchParams(new FormData(document.getElementById('comment-form')))"
        ".toString()"
    )
    submit_comment(page)
    comment = Comment.objects.get()
    edit = page.locator(f"#c{comment.pk} .comment-edit")
    assert edit.get_attribute("href") == reverse("comments:edit", args=[comment.pk])

    # the same form again, as after a lost response: the first comment's page, nothing new
    page.evaluate(
        """async (body) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = document.getElementById("comment-form").action;
            for (const [name, value] of new URLSearchParams(body)) {
                const input = document.createElement("input");
                input.type = "hidden"; input.name = name; input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""",
        sent,
    )
    page.wait_for_load_state()
    page.wait_for_selector(f"#c{comment.pk} .comment-notice", timeout=10_000)  # beside it
    assert ALREADY_RECEIVED in " ".join(message_texts(page))
    assert page.url.endswith(f"#c{comment.pk}")
    assert Comment.objects.count() == 1
    assert not page.watch.errors, page.watch.errors
