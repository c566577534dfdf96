"""The project's settings, plus what ``page_speed.py`` compares the site with.

- ``COMMENT_THREADS_PER_PAGE = 1000``: the 1,000-comment post on one page (the issue's page);
- ``WHITENOISE_ROOT``: a folder (``BENCH_WHITENOISE_ROOT``) whose files the same process's
  WhiteNoise serves at the site's root: the post page's bytes saved as a static file;
- ``ROOT_URLCONF``: the project's URLs plus ``/bench/ok``.
"""

import os

from blogsite.settings import *  # noqa: F403

COMMENT_THREADS_PER_PAGE = 1000
ROOT_URLCONF = "speed_site.urls"
if os.environ.get("BENCH_WHITENOISE_ROOT"):
    WHITENOISE_ROOT = os.environ["BENCH_WHITENOISE_ROOT"]
