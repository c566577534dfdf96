"""/healthz: the load balancer's probe (issue 13)."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_cache_and_task_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "oldest_queued_task_age": None}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF cookie
    assert "Cookie" not in response.get("Vary", "")


def test_healthz_answers_a_probe_by_ip_address_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production (HTTPS=1)
    settings.ALLOWED_HOSTS = ["blog.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    # every other path still refuses the host
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_healthz_is_503_when_the_database_does_not_answer(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response["Cache-Control"] == "no-store"


def test_healthz_says_when_the_cache_is_down(client):
    with mock.patch.object(cache, "set", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "unavailable"


def test_the_oldest_waiting_task_shows_its_age_until_a_worker_runs_it(client, queue, mailoutbox):
    from jobs.mail import send_message

    assert client.get("/healthz").json()["oldest_queued_task_age"] is None
    send_message.enqueue("health:1", "test", "reader@example.com", "Hello", "Body")
    age = client.get("/healthz").json()["oldest_queued_task_age"]
    assert age is not None and age >= 0
    queue()  # a worker comes by
    assert len(mailoutbox) == 1
    assert client.get("/healthz").json()["oldest_queued_task_age"] is None
