"""Typed readers for environment variables that fail loudly on malformed values."""

import ipaddress
import os
import re
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name, default=""):
    """Return the variable, or the contents of the file named by ``<name>_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                return f.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")


def env_int(name, default, minimum=0):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but empty: give at least one value")
    return items


RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"(?P<count>[0-9]+)/(?P<many>[1-9][0-9]*)?(?P<period>[smhd])")


def env_rate(name, default):
    """Parse ``N/period`` (period s, m, h or d, optionally a multiple: ``30/10m``) into
    ``(N, seconds)``; ``0`` turns it off."""
    value = os.environ.get(name) or default
    if value.strip() == "0":
        return (0, 60)
    match = RATE.fullmatch(value.strip())
    if not match:
        raise ImproperlyConfigured(
            f"{name} must look like 5/m or 30/10m (or 0 for no limit), not {value!r}"
        )
    seconds = int(match["many"] or 1) * RATE_PERIODS[match["period"]]
    return (int(match["count"]), seconds)


def env_origin(name, default):
    """An http(s) origin (``https://blog.example.com``, a port allowed) without the trailing
    slash; anything else (a path, a query, credentials, another scheme) fails loudly."""
    value = (env_str(name) or default).strip()
    url = urlsplit(value)
    try:
        url.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        url = None
    if (
        url is None
        or url.scheme.lower() not in ("http", "https")
        or not url.hostname
        or "@" in url.netloc
        or url.path not in ("", "/")
        or url.query
        or url.fragment
    ):
        raise ImproperlyConfigured(
            f"{name} must be an origin such as https://blog.example.com (scheme, host and "
            f"optionally a port; no path), not {value!r}"
        )
    return f"{url.scheme.lower()}://{url.netloc.lower()}"


def env_networks(name):
    """Comma separated IP addresses or networks (``127.0.0.1,10.0.0.0/8,::1``) as normalised
    strings; unset or empty means none."""
    networks = []
    for item in os.environ.get(name, "").split(","):
        if not item.strip():
            continue
        try:
            networks.append(str(ipaddress.ip_network(item.strip(), strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item.strip()!r} is no IP address or network "
                "(give e.g. 127.0.0.1, 10.0.0.0/8 or ::1, comma separated)"
            ) from None
    return networks


def env_mailer(name):
    """Turn ``EMAIL_URL`` into a mailer: ``{"BACKEND": ..., "OPTIONS": {...}}``.

    Accepts ``smtp://user:pass@host:port`` (plain), ``submission://...`` (STARTTLS),
    ``smtps://...`` (TLS), ``console:`` and ``dummy:``; unset means the console backend.
    """
    value = env_str(name)
    if not value and os.environ.get("EMAIL_HOST"):
        return _mailer_from_django_variables()
    if not value:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    url = urlsplit(value)
    if url.scheme in ("console", "dummy"):
        return {"BACKEND": f"django.core.mail.backends.{url.scheme}.EmailBackend", "OPTIONS": {}}
    if url.scheme not in ("smtp", "smtps", "submission") or not url.hostname:
        raise ImproperlyConfigured(f"{name} must be smtp://user:pass@host:port, not {value!r}")
    try:
        port = url.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a malformed port: {value!r}") from None
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": url.hostname,
            "port": port or {"smtps": 465, "submission": 587}.get(url.scheme, 25),
            "username": unquote(url.username or ""),
            "password": unquote(url.password or ""),
            "use_ssl": url.scheme == "smtps",
            "use_tls": url.scheme == "submission",
            "timeout": 10,
        },
    }


def _mailer_from_django_variables():
    """SMTP from Django's own ``EMAIL_HOST``, ``EMAIL_PORT``, ... environment variables."""
    use_ssl = env_bool("EMAIL_USE_SSL", False)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST"),
            "port": env_int("EMAIL_PORT", 465 if use_ssl else 25, minimum=1),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_ssl": use_ssl,
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
        },
    }


LEGACY_EMAIL_SETTINGS = {
    "host": "EMAIL_HOST",
    "port": "EMAIL_PORT",
    "username": "EMAIL_HOST_USER",
    "password": "EMAIL_HOST_PASSWORD",
    "use_ssl": "EMAIL_USE_SSL",
    "use_tls": "EMAIL_USE_TLS",
    "timeout": "EMAIL_TIMEOUT",
}


def email_settings(mailer, django_version):
    """Settings for one mailer: ``MAILERS`` from Django 6.1 on, ``EMAIL_*`` before it."""
    if django_version >= (6, 1):
        return {"MAILERS": {"default": mailer}}
    legacy = {"EMAIL_BACKEND": mailer["BACKEND"]}
    legacy.update({LEGACY_EMAIL_SETTINGS[k]: v for k, v in mailer["OPTIONS"].items()})
    return legacy
