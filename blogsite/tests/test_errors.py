import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: secret detail")


def bug(request):
    raise ValueError("a secret in the traceback")


urlpatterns = [path("down/", database_down), path("bug/", bug)]
handler500 = "blogsite.errors.server_error"


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


@override_settings(ROOT_URLCONF=__name__)
def test_an_unreachable_database_answers_503_and_leaks_nothing(browser):
    response = browser.get("/down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"secret" not in response.content
    assert b"Back in a moment" in response.content


@override_settings(ROOT_URLCONF=__name__)
def test_a_bug_answers_a_plain_500(browser):
    response = browser.get("/bug/")
    assert response.status_code == 500
    assert b"secret" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/search/?q=a%00b", "/tag/a%00b/", "/?page=%00", "/p/x%00/"])
def test_a_nul_character_in_the_address_is_a_400(client, url):
    assert client.get(url).status_code == 400
