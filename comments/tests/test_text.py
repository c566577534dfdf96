"""Names and comments that show nothing are refused; invisible characters at a name's ends go."""

import pytest

from comments.models import Comment
from comments.tests.factories import form_fields, make_post, make_user
from comments.text import has_visible, strip_invisible

pytestmark = pytest.mark.usefixtures("blog")
URL = "/comments/post/"

BLANK_NAMES = [
    "\u200b",  # zero-width space
    "\u200c\u200d",  # zero-width non-joiner and joiner
    "\u2060\ufeff",  # word joiner, byte-order mark
    "\u202e\u2066",  # bidi controls
    "\U000e0041\U000e0042",  # tag characters
    "\u0301\u0308",  # combining marks with nothing to sit on
    "\u3164",  # Hangul filler
    "\u2800",  # braille blank
    "\u00a0\u200b \u3000",  # no-break and ideographic spaces around a zero-width one
]


@pytest.mark.parametrize("name", BLANK_NAMES)
def test_a_name_of_invisible_characters_is_refused(client, name):
    response = client.post(URL, form_fields(client, make_post(), name=name))
    assert response.status_code == 400
    assert "Please give your name." in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("body", ["\u200b\u200b\u200b", "\ufeff\n\u2060", "\u3164 \u0301"])
def test_a_comment_of_invisible_characters_is_refused(client, body):
    response = client.post(URL, form_fields(client, make_post(), body=body))
    assert response.status_code == 400
    assert "Please write a comment." in response.content.decode()
    assert Comment.objects.count() == 0


def test_invisible_characters_at_the_ends_of_a_name_are_dropped(client):
    response = client.post(
        URL, form_fields(client, make_post(), name="\u200b\ufeffAda\u200d\u2060")
    )
    assert response.status_code == 302
    assert Comment.objects.get().name == "Ada"


def test_a_signed_in_commenter_who_leaves_the_name_blank_gets_their_own(client):
    user = make_user(first_name="Grace", last_name="Hopper")
    client.force_login(user)
    response = client.post(URL, form_fields(client, make_post(), name="\u200b", email=""))
    assert response.status_code == 302
    assert Comment.objects.get().name == "Grace Hopper"


@pytest.mark.parametrize(
    "text",
    ["José", "Jose\u0301", "👩\u200d💻", "می\u200cخواهم", "a"],  # joiners inside words are real
)
def test_real_names_keep_every_character(text):
    assert has_visible(text)
    assert strip_invisible(f"\u200b {text} \ufeff") == text
