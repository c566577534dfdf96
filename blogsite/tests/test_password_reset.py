"""Staff reset a forgotten password by email from the admin's login page (issue 9); the form
never says whether an address has an account, and cannot be used to flood a mailbox."""

import re

import pytest
from django.core.cache import cache

from blogsite import password_reset
from comments import ratelimit
from posts.models import BlogSettings
from posts.tests.factories import make_user

pytestmark = pytest.mark.django_db
RESET = "/admin/password_reset/"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def named_blog(db):
    BlogSettings.objects.update_or_create(pk=1, defaults={"title": "Field Notes"})


def _ask(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def test_the_admin_login_page_links_to_the_reset(client):
    content = client.get("/admin/login/").content.decode()
    assert f'href="{RESET}"' in content


def test_a_staff_member_resets_their_password_by_email(client, mailoutbox, named_blog, site_url):
    page = client.get(RESET).content.decode()
    assert "Field Notes administration" in page and "Django administration" not in page
    editor = make_user("ed", staff=True)
    # addresses match whatever their case; the link ignores the Host the request came with
    response = _ask(client, "ED@example.com", HTTP_HOST="localhost")
    assert response.status_code == 302
    assert response["Location"] == "/admin/password_reset/done/"
    (message,) = mailoutbox
    assert message.to == ["ed@example.com"]
    assert message.subject == "Reset your password for Field Notes"
    assert "your account at Field Notes" in message.body and "ed" in message.body
    assert "localhost" not in message.body
    link = re.search(rf"{site_url}(/admin/reset/\S+)", message.body).group(1)

    form = client.get(link, follow=True)
    assert "Field Notes administration" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "a long new secret 9", "new_password2": "a long new secret 9"}
    )
    assert done["Location"] == "/admin/reset/done/"
    editor.refresh_from_db()
    assert editor.check_password("a long new secret 9")
    assert client.get(link, follow=True).context["validlink"] is False  # used once only


@pytest.mark.parametrize("who", ["nobody", "not staff", "inactive staff"])
def test_the_answer_is_the_same_whether_or_not_there_is_an_account(client, mailoutbox, who):
    make_user("plain")  # plain@example.com: an account, but it cannot log in to the admin
    make_user("gone", staff=True, is_active=False)
    email = {"nobody": "nobody@example.com", "not staff": "plain@example.com",
             "inactive staff": "gone@example.com"}[who]  # fmt: skip
    make_user("ed", staff=True)
    known = _ask(client, "ed@example.com")
    unknown = _ask(client, email)
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m.to for m in mailoutbox] == [["ed@example.com"]]


def test_one_address_gets_a_few_mails_an_hour_at_most(client, mailoutbox):
    make_user("ed", staff=True)
    answers = {_ask(client, "ed@example.com")["Location"] for _ in range(6)}
    assert answers == {"/admin/password_reset/done/"}  # the same answer, mail or not
    assert len(mailoutbox) == password_reset.MAILS_PER_ADDRESS


def test_one_client_cannot_ask_for_many_addresses(client, mailoutbox):
    for n in range(password_reset.REQUESTS_PER_CLIENT + 3):
        make_user(f"staff{n}", staff=True)
        assert _ask(client, f"staff{n}@example.com").status_code == 302
    assert len(mailoutbox) == password_reset.REQUESTS_PER_CLIENT
    # another client is not held up by the first
    make_user("ed", staff=True)
    _ask(client, "ed@example.com", REMOTE_ADDR="198.51.100.8")
    assert mailoutbox[-1].to == ["ed@example.com"]


def test_without_a_cache_no_mail_is_sent_and_nothing_breaks(client, mailoutbox, monkeypatch):
    class DownCache:
        def add(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(ratelimit, "cache", DownCache())  # the shared counter helper
    make_user("ed", staff=True)
    assert _ask(client, "ed@example.com")["Location"] == "/admin/password_reset/done/"
    assert mailoutbox == []
