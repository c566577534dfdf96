"""The moderators' digest carries its own one-click unsubscribe (RFC 2369 and RFC 8058), per
moderator, and its links are on SITE_URL."""

import re

import pytest

from moderation import digest
from moderation.models import DigestOptOut, DigestState
from moderation.tests.helpers import make_moderator, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_digest(django_capture_on_commit_callbacks):
    """Hold a comment (links hold it) and let the digest go out; the next one may go at once."""

    def send():
        DigestState.objects.update(last_sent_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            submit(body="held http://a.example/ http://b.example/")

    return send


def test_each_moderator_gets_their_own_one_click_unsubscribe(mailoutbox, send_digest, site_url):
    make_moderator(username="mod")
    make_moderator(username="other")
    send_digest()
    assert sorted(m.to[0] for m in mailoutbox) == ["mod@example.com", "other@example.com"]
    links = set()
    for message in mailoutbox:
        header = message.extra_headers["List-Unsubscribe"]
        assert re.fullmatch(rf"<{re.escape(site_url)}/moderation/digest/unsubscribe/\S+/>", header)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert header.strip("<>") in message.body
        assert f"{site_url}/admin/moderation/queue/" in message.body
        links.add(header)
    assert len(links) == 2  # one link per address: neither can stop the other's digest


def test_the_one_click_post_turns_the_digest_off_without_login_or_csrf(
    client, mailoutbox, send_digest, site_url
):
    make_moderator(username="mod")
    make_moderator(username="other")
    send_digest()
    (mine,) = [m for m in mailoutbox if m.to == ["mod@example.com"]]
    path = mine.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(site_url)

    assert "Turn the digest off" in client.get(path).content.decode()
    assert not DigestOptOut.objects.exists()  # a GET (a mail scanner) changes nothing

    client.handler.enforce_csrf_checks = True  # RFC 8058: the mail client sends no token
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "gets no more moderation digests" in response.content.decode()
    assert list(DigestOptOut.objects.values_list("email", flat=True)) == ["mod@example.com"]

    mailoutbox.clear()
    send_digest()
    assert [m.to for m in mailoutbox] == [["other@example.com"]]

    # changed their mind: the same link turns it on again
    client.post(path, {"resubscribe": "1"})
    mailoutbox.clear()
    send_digest()
    assert sorted(m.to[0] for m in mailoutbox) == ["mod@example.com", "other@example.com"]


def test_a_forged_digest_link_is_refused(client):
    assert client.get("/moderation/digest/unsubscribe/forged/").status_code == 400
    comments_token = digest.signing.dumps("mod@example.com", salt="comments.unsubscribe")
    response = client.post(f"/moderation/digest/unsubscribe/{comments_token}/")
    assert response.status_code == 400  # another link's token is no digest token
    assert not DigestOptOut.objects.exists()


def test_an_address_that_opted_out_in_another_case_gets_no_digest(mailoutbox, send_digest):
    moderator = make_moderator(username="mod")
    moderator.email = "Mod@Example.com"
    moderator.save()
    digest.turn_off("mod@example.com")
    send_digest()
    assert mailoutbox == []


def test_one_digest_for_two_accounts_whose_addresses_differ_in_case(mailoutbox, send_digest):
    for username, email in (("mod", "Mod@Example.com"), ("mod2", "mod@example.com")):
        moderator = make_moderator(username=username)
        moderator.email = email
        moderator.save()
    send_digest()
    assert len(mailoutbox) == 1
