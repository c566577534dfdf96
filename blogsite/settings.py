"""blogsite settings, read from the environment (see README: Configuration)."""

from importlib.util import find_spec
from pathlib import Path

import dj_database_url
import django
from csp.constants import NONE, SELF

from blogsite.env import (
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_mailer,
    env_networks,
    env_origin,
    env_rate,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "django-insecure-blogsite-development-key-do-not-use-in-production"  # noqa: S105 (public on purpose)
SECRET_KEY = env_str("SECRET_KEY") or DEV_SECRET_KEY
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# The one origin of every absolute link (mail, feeds, the sitemap, og:url, canonical URLs):
# never the request's Host or the Sites framework's row (posts.links). Serving with DEBUG=0 and
# HTTPS=1 on a loopback SITE_URL refuses to start (blogsite.production).
SITE_URL = env_origin("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "blogsite.admin_site.BlogAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "taggit",
    "markdownx",
    "captcha",
    "csp",
    "posts",
    "comments",
    "moderation",
    "transfer",
    "logins",
    "federation",
    "jobs",  # before django_tasks_db: its db_worker also keeps the periodic jobs going
    *(() if find_spec("django.tasks") else ("django_tasks",)),  # the backport on Django 5.2
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz, answered before anything reads the host (ALLOWED_HOSTS) or the session
    "blogsite.health.HealthMiddleware",
    "blogsite.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # whole reader pages for anonymous readers, before the session, auth and CSRF
    # (posts.pagecache; PAGE_CACHE=0 turns it off)
    "posts.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "moderation.middleware.RulesMiddleware",  # the policy's version read once per request
    "moderation.middleware.TrustMiddleware",
    "comments.middleware.CaptchaMiddleware",
    "comments.middleware.BloggerCommentLinkMiddleware",
    "posts.oldurls.OldUrlRedirectMiddleware",
    "federation.webmention_views.WebmentionLinkMiddleware",
    # a post's URL answers its ActivityPub Article to clients that ask for one (FEDERATION=1)
    "federation.activitypub.middleware.ArticleNegotiationMiddleware",
]

ROOT_URLCONF = "blogsite.urls"
WSGI_APPLICATION = "blogsite.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "posts.context_processors.blog",
            ],
        },
    },
]

# Database: SQLite tuned for a web server by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Opening a connection (the pragmas, Django's SQL functions) cost more than a cached
    # page's one query (1.7 ms against 0.08 ms): each worker thread keeps its own. In WAL mode
    # every statement still sees what other processes committed before it.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "blogsite",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # Whole reader pages take four entries each (headers, plain, gzip, Brotli): room for a
    # few hundred pages per process before the oldest third is dropped.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Whole reader pages for anonymous readers (posts.pagecache), read at call time.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# With Redis, the pages last served are also kept in each process, up to this many bytes
# (0: none, every hit a Redis round trip): keyed by the version read from the database on
# every request, they are never stale.
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MANIFEST_STRICT = False
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")

# HTTPS: on in production, off for DEBUG and for loopback load tests (HTTPS=0).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
# Preloading (which needs includeSubDomains) is opt-in: browsers' preload lists take months to
# leave and bind every subdomain to HTTPS. Not opting in is a choice, so check --deploy keeps
# quiet about it.
HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False) and HTTPS
SECURE_HSTS_INCLUDE_SUBDOMAINS = HSTS_PRELOAD
SECURE_HSTS_PRELOAD = HSTS_PRELOAD
SILENCED_SYSTEM_CHECKS = [] if HSTS_PRELOAD else ["security.W005", "security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# Reverse proxies whose X-Forwarded-For is believed (blogsite.clientip; read at call time).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# The open web (federation/): ActivityPub only when an operator turns it on with a real
# SITE_URL (actor ids are permanent once followed); Webmention is always on.
FEDERATION = env_bool("FEDERATION", False)
# The ActivityPub inbox's own guards (it is CSRF-exempt): requests per address and per instance.
AP_INBOX_RATE_LIMIT = env_rate("AP_INBOX_RATE_LIMIT", "120/m")
AP_INSTANCE_RATE_LIMIT = env_rate("AP_INSTANCE_RATE_LIMIT", "300/m")
# Outbound requests may reach private and loopback addresses: tests only.
OUTBOUND_ALLOW_PRIVATE = env_bool("OUTBOUND_ALLOW_PRIVATE", False)
# Webmention (always on): received mentions waiting for their verification at most (429 past
# it), mentions per sending address and per source host, and the largest request body taken.
WEBMENTION_MAX_QUEUED = env_int("WEBMENTION_MAX_QUEUED", 200, minimum=1)
WEBMENTION_RATE_LIMIT = env_rate("WEBMENTION_RATE_LIMIT", "20/h")
WEBMENTION_SOURCE_RATE_LIMIT = env_rate("WEBMENTION_SOURCE_RATE_LIMIT", "30/h")
WEBMENTION_MAX_BODY = 8192
# A WebSub hub (e.g. https://pubsubhubbub.appspot.com/): the feeds name it and publishing pings
# it. Unset: no hub.
WEBSUB_HUB = env_str("WEBSUB_HUB")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): no inline script anywhere; frames only from the video
# hosts the sanitiser lets through (posts.markup.EMBED_HOSTS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:", "data:"],
        "media-src": [SELF],
        "frame-src": [
            "https://www.youtube.com",
            "https://youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "blogsite <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Django 6.1 moved email to MAILERS; 5.2 LTS still reads EMAIL_*.
globals().update(email_settings(env_mailer("EMAIL_URL"), django.VERSION))

LOGIN_URL = "admin:login"

# Comments: read at call time by the comments app.
COMMENT_RATE_LIMIT = env_rate("COMMENT_RATE_LIMIT", "5/m")
COMMENT_MIN_SECONDS = env_int("COMMENT_MIN_SECONDS", 2)
# New captcha challenges per address (the refresh URL and the comment form's own page).
CAPTCHA_RATE_LIMIT = env_rate("CAPTCHA_RATE_LIMIT", "30/10m")
# Commenters' IP addresses and user agents are erased this many days on (purge_comment_ips).
COMMENT_IP_RETENTION_DAYS = env_int("COMMENT_IP_RETENTION_DAYS", 90)

# django-simple-captcha reads these once, at import.
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE", False)
CAPTCHA_TIMEOUT = 30  # minutes a challenge stays valid
# The audio alternative speaks the letters with flite (`apt-get install flite`): a program name
# looked up on PATH, or a path. The form offers "Listen" only while it is there
# (comments.challenge.audio_available); `make run` says how to install it when it is missing.
CAPTCHA_FLITE_PATH = env_str("CAPTCHA_FLITE_PATH", "flite")
# Twice the package's default picture (about 85x30 px), letters turned less: easier to read.
CAPTCHA_FONT_SIZE = 46
CAPTCHA_IMAGE_SIZE = (210, 72)
CAPTCHA_LETTER_ROTATION = (-20, 20)

# django-markdownx: the preview is rendered by the function that renders the public page.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "posts.markup.render_markdown"
# Uploads go through posts.uploads (markdownx's own view stores what it is sent): only JPEG,
# PNG, GIF and WebP that Pillow decoded, re-encoded; the folder is strftime'd there.
MARKDOWNX_MEDIA_PATH = "uploads/%Y/%m/"
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 0), "quality": 85}
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
# markdownx's auto-resize sets a content-box textarea to its scrollHeight, which counts the
# padding: it grew by that on every keystroke and never shrank. The editor's CSS sizes it.
MARKDOWNX_EDITOR_RESIZABLE = False
# Django serves MEDIA_ROOT itself (with nosniff and a CSP sandbox) only in development and in
# browser tests; in production the proxy serves /media/ (README: "Serving /media/ safely").
SERVE_MEDIA = DEBUG

TAGGIT_CASE_INSENSITIVE = True

# Background work (README: "Background work"): Django's tasks framework (the django-tasks
# backport on 5.2) with the database backend, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task still "running" this long after it started is taken for a killed worker's: re-queued.
TASK_TIMEOUT_SECONDS = env_int("TASK_TIMEOUT_SECONDS", 300, minimum=30)
# Jobs the worker runs by itself: management command -> seconds between runs.
PERIODIC_JOBS = {
    "publish_scheduled": 60,
    "send_moderation_digest": 600,  # sends only when comments wait and none went out lately
    "captcha_clean": 3600,
    "purge_comment_ips": 86400,
    "prune_tasks": 86400,
}
if env_bool("PURGE_SPAM_PERIODIC", False):  # purge_spam hard-deletes: only if asked for
    PERIODIC_JOBS["purge_spam"] = 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "blogsite": {"level": "INFO"},
        "comments": {"level": "INFO"},
        "jobs": {"level": "INFO"},
    },
}
