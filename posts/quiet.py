"""Saving posts without telling the world: demo content (``seed_demo``) and imports are not
news, so whatever announces a post elsewhere (Webmention, WebSub, ActivityPub) checks
``is_quiet()`` first. A context variable, so it holds for the code inside ``quietly()`` only."""

from contextlib import contextmanager
from contextvars import ContextVar

_quiet = ContextVar("posts_quiet", default=False)


@contextmanager
def quietly():
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet():
    return _quiet.get()
