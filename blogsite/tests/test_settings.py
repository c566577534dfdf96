"""Settings come from the environment, fail loudly when malformed, refuse unsafe production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from blogsite.env import (
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_mailer,
    env_origin,
    env_rate,
    env_str,
)
from blogsite.production import refuse_unsafe_production

ROOT = Path(__file__).resolve().parents[2]


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter with the given environment variables."""
    scrubbed = ("DEBUG", "SECRET_KEY", "SITE_URL", "HTTPS")
    environment = {k: v for k, v in os.environ.items() if k not in scrubbed}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_serving_with_debug_off_on_the_development_key_refuses_to_start():
    result = run_python("import blogsite.wsgi", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_serving_with_a_real_key_starts():
    result = run_python(
        "import blogsite.wsgi", DEBUG="0", SECRET_KEY="x" * 50, SITE_URL="https://blog.example.com"
    )
    assert result.returncode == 0, result.stderr


LOOPBACK_URLS = ["http://127.0.0.1:8000", "https://127.0.0.2", "https://localhost",
                 "https://[::1]:8443", "https://blog.localhost", "https://LOCALHOST."]  # fmt: skip


@pytest.mark.parametrize("module", ["blogsite.wsgi", "blogsite.asgi"])
def test_serving_in_production_on_a_loopback_site_url_refuses_to_start(module):
    result = run_python(
        f"import {module}", DEBUG="0", SECRET_KEY="x" * 50, SITE_URL="https://[::1]:8443"
    )
    assert result.returncode != 0
    assert "SITE_URL is https://[::1]:8443, a loopback address" in result.stderr


@pytest.mark.parametrize("site_url", LOOPBACK_URLS)
def test_every_loopback_site_url_is_refused_in_production(settings, site_url):
    """What the two servers above run at start-up, for each kind of loopback name."""
    settings.DEBUG, settings.HTTPS, settings.SITE_URL = False, True, site_url
    settings.SECRET_KEY = "x" * 50
    with pytest.raises(ImproperlyConfigured, match="a loopback address"):
        refuse_unsafe_production()


@pytest.mark.parametrize(
    "site_url", ["https://blog.example.com", "https://localhost.example.com", "https://128.0.0.1"]
)
def test_a_public_site_url_is_served_in_production(settings, site_url):
    settings.DEBUG, settings.HTTPS, settings.SITE_URL = False, True, site_url
    settings.SECRET_KEY = "x" * 50
    refuse_unsafe_production()


def test_the_default_site_url_refuses_production_too():
    result = run_python("import blogsite.wsgi", DEBUG="0", SECRET_KEY="x" * 50, HTTPS="1")
    assert result.returncode != 0 and "a loopback address" in result.stderr


def test_loopback_load_tests_serve_with_https_off():
    result = run_python(
        "import blogsite.wsgi", DEBUG="0", SECRET_KEY="x" * 50, HTTPS="0",
        SITE_URL="http://127.0.0.1:8000",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_check_deploy_reports_a_loopback_site_url():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "HTTPS": "1",
             "SITE_URL": "https://localhost"},
    )  # fmt: skip
    assert result.returncode != 0
    assert "blogsite.W001" in result.stderr and "a loopback address" in result.stderr


@pytest.mark.parametrize(
    "value, origin",
    [("https://blog.example.com", "https://blog.example.com"),
     ("https://Blog.Example.com/", "https://blog.example.com"),
     ("http://127.0.0.1:8000", "http://127.0.0.1:8000")],
)  # fmt: skip
def test_site_url_is_an_origin_without_the_trailing_slash(monkeypatch, value, origin):
    monkeypatch.setenv("SITE_URL", value)
    assert env_origin("SITE_URL", "http://127.0.0.1:8000") == origin


@pytest.mark.parametrize(
    "value",
    ["blog.example.com", "ftp://blog.example.com", "https://blog.example.com/blog",
     "https://blog.example.com/?x=1", "https://user:pw@blog.example.com", "https://",
     "https://blog.example.com:port"],
)  # fmt: skip
def test_a_site_url_that_is_no_origin_fails_loudly(monkeypatch, value):
    monkeypatch.setenv("SITE_URL", value)
    with pytest.raises(ImproperlyConfigured, match="SITE_URL must be an origin"):
        env_origin("SITE_URL", "http://127.0.0.1:8000")


def test_debug_serving_is_allowed_on_the_development_key():
    assert run_python("import blogsite.wsgi", DEBUG="1").returncode == 0


def test_check_deploy_with_production_settings_reports_the_development_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DEBUG": "0", "SECRET_KEY": ""},
    )  # fmt: skip
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_malformed_values_fail_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be 1 or 0"):
        env_bool("DEBUG", False)
    monkeypatch.setenv("COMMENT_MIN_SECONDS", "two")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("COMMENT_MIN_SECONDS", 2)
    monkeypatch.setenv("COMMENT_RATE_LIMIT", "5 per minute")
    with pytest.raises(ImproperlyConfigured, match="5/m"):
        env_rate("COMMENT_RATE_LIMIT", "5/m")
    monkeypatch.setenv("EMAIL_URL", "carrier-pigeon://x")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env_mailer("EMAIL_URL")


def test_a_malformed_variable_stops_manage_py():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "COMMENT_RATE_LIMIT": "lots"},
    )  # fmt: skip
    assert result.returncode != 0
    assert "COMMENT_RATE_LIMIT must look like 5/m" in result.stderr


def test_well_formed_values(monkeypatch, tmp_path):
    monkeypatch.setenv("COMMENT_RATE_LIMIT", "0")
    assert env_rate("COMMENT_RATE_LIMIT", "5/m") == (0, 60)
    monkeypatch.setenv("COMMENT_RATE_LIMIT", "10/h")
    assert env_rate("COMMENT_RATE_LIMIT", "5/m") == (10, 3600)
    monkeypatch.setenv("COMMENT_RATE_LIMIT", "30/10m")
    assert env_rate("COMMENT_RATE_LIMIT", "5/m") == (30, 600)
    monkeypatch.setenv("ALLOWED_HOSTS", "blog.example.com, www.blog.example.com")
    assert env_list("ALLOWED_HOSTS", []) == ["blog.example.com", "www.blog.example.com"]
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_str("SECRET_KEY") == "from-a-file"
    monkeypatch.setenv("EMAIL_URL", "smtps://me%40x.org:p%40ss@mail.x.org")
    mailer = env_mailer("EMAIL_URL")
    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.x.org",
            "port": 465,
            "username": "me@x.org",
            "password": "p@ss",
            "use_ssl": True,
            "use_tls": False,
            "timeout": 10,
        },
    }
    assert email_settings(mailer, (6, 1))["MAILERS"]["default"] is mailer
    legacy = email_settings(mailer, (5, 2))
    assert legacy["EMAIL_HOST"] == "mail.x.org"
    assert legacy["EMAIL_HOST_USER"] == "me@x.org"
    assert legacy["EMAIL_USE_SSL"] is True


def test_djangos_own_email_variables_work_too(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_PORT", "587")
    monkeypatch.setenv("EMAIL_USE_TLS", "1")
    monkeypatch.setenv("EMAIL_HOST_USER", "blog")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD", "secret")
    options = env_mailer("EMAIL_URL")["OPTIONS"]
    assert options["host"] == "smtp.example.org"
    assert (options["port"], options["use_tls"], options["use_ssl"]) == (587, True, False)
    assert (options["username"], options["password"]) == ("blog", "secret")
    monkeypatch.setenv("EMAIL_PORT", "smtp")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_mailer("EMAIL_URL")


def test_https_defaults_follow_debug():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='blogsite.settings';"
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    assert run_python(code, DEBUG="0").stdout.split() == ["True", "True", "True"]
    assert run_python(code, DEBUG="1").stdout.split() == ["False", "False", "False"]
    assert run_python(code, DEBUG="0", HTTPS="0").stdout.split() == ["False", "False", "False"]


HSTS_HEADER = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='blogsite.settings'; django.setup();"
    "from django.http import HttpResponse; from django.test import RequestFactory;"
    "from django.middleware.security import SecurityMiddleware as M;"
    "print(M(lambda r: HttpResponse())(RequestFactory().get('/', secure=True))"
    "['Strict-Transport-Security'])"
)


def test_hsts_preload_and_subdomains_only_when_the_operator_opts_in():
    """CONTRACT "Configuration": a preload list entry is hard to undo, so it is never a default."""
    plain = run_python(HSTS_HEADER, DEBUG="0")
    assert plain.stdout.strip() == "max-age=31536000", plain.stderr
    opted_in = run_python(HSTS_HEADER, DEBUG="0", HSTS_PRELOAD="1")
    assert opted_in.stdout.strip() == "max-age=31536000; includeSubDomains; preload"
    malformed = run_python(HSTS_HEADER, DEBUG="1", HSTS_PRELOAD="please")
    assert "HSTS_PRELOAD must be 1 or 0" in malformed.stderr


def test_sqlite_is_tuned_for_concurrent_writers():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_security_headers_on_every_page(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-src https://www.youtube.com" in csp
    assert "img-src 'self' https: data:" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_forged_host_gets_a_plain_400_not_a_500(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"Bad request" in response.content


def test_an_empty_host_list_and_secret_files_for_mail(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLOWED_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS is set but empty"):
        env_list("ALLOWED_HOSTS", ["localhost"])
    secret = tmp_path / "mail"
    secret.write_text("smtps://blog:s3cret@mail.example.org\n")
    monkeypatch.delenv("EMAIL_URL", raising=False)
    monkeypatch.setenv("EMAIL_URL_FILE", str(secret))
    assert env_mailer("EMAIL_URL")["OPTIONS"]["password"] == "s3cret"
