"""The captcha challenge (django-simple-captcha), created only when someone starts a comment."""

import shutil

from captcha.conf import settings as captcha_settings
from captcha.helpers import captcha_audio_url, captcha_image_url
from captcha.models import CaptchaStore
from django.urls import reverse
from django.utils import timezone

WRONG = "The answer to the picture was wrong or has expired. Please try the new one."
TOO_MANY = (
    "You have asked for many captcha pictures in a short time. Please wait a few minutes "
    "and try again."
)


def audio_available():
    """Is the program that speaks the letters (``CAPTCHA_FLITE_PATH``, flite) installed?"""
    path = captcha_settings.CAPTCHA_FLITE_PATH
    return bool(path) and shutil.which(path) is not None


def lazy():
    """A challenge slot for the post page: static/js/comments.js fills it from the package's
    refresh view when the visitor starts writing, so rendering it writes nothing."""
    return {
        "key": "", "image": "", "audio": "", "has_audio": audio_available(),
        "refresh_url": reverse("captcha-refresh"),
    }  # fmt: skip


def shown(key):
    """The challenge ``key`` again (a preview keeps the one the visitor is answering)."""
    return {
        "key": key,
        "image": captcha_image_url(key),
        "audio": captcha_audio_url(key) if audio_available() else "",
        "has_audio": audio_available(),
        "refresh_url": reverse("captcha-refresh"),
    }


def new():
    """A real challenge (one database row), for the reply page and a form sent back."""
    return shown(CaptchaStore.pick())


def still_open(key):
    """Can the challenge ``key`` still be answered (it exists and has not expired)?"""
    return (
        bool(key)
        and CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).exists()
    )


def check(data):
    """Check ``captcha_0``/``captcha_1`` in posted data: ``None`` if right, else the error.

    A challenge is used up by the attempt, right or wrong. Unlike ``CaptchaField.clean``
    (which reads the row, then deletes it), the row is claimed by the delete itself, so two
    requests racing with one solved answer cannot both pass.
    """
    key = data.get("captcha_0", "")
    answer = (data.get("captcha_1") or "").strip().lower()
    if captcha_settings.CAPTCHA_TEST_MODE and answer == "passed":
        CaptchaStore.objects.filter(hashkey=key).delete()
        return None
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    claimed = store is not None and CaptchaStore.objects.filter(pk=store.pk).delete()[0] == 1
    if not claimed or not answer or store.response != answer:
        return WRONG
    return None
