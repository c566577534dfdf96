import django
import pytest
from django.core.cache import cache

from blogsite.env import email_settings


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP; production keeps these on (HTTPS=1).
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()  # each test starts with an empty cache


@pytest.fixture
def use_mailer(settings):
    """Send mail through ``backend`` (MAILERS on Django 6.1+, EMAIL_* on 5.2)."""

    def use(backend, **options):
        mailer = {"BACKEND": backend, "OPTIONS": options}
        for name, value in email_settings(mailer, django.VERSION).items():
            setattr(settings, name, value)

    return use
