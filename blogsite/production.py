from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_production():
    """Refuse to serve with DEBUG off on the public development key."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development key: set SECRET_KEY (or SECRET_KEY_FILE) "
            "before serving with DEBUG=0."
        )
