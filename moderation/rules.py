"""The moderation policy and the block rules as every process sees them.

They are cached under a version kept in the database (``RulesVersion``), as a post's comment
thread is cached under its comment version: each save or delete of the policy or of a block
rule gives the version a new value in the same transaction, so the next request of every
process, whatever its cache (local memory or Redis), reads the new rules. A request reads the
version once (one query, ``RulesMiddleware``); outside a request (a task, a command) each
``current()`` reads it. A reader page asks the policy alone (``policy()``): the row read with
the page cache's version query, fresh on every request.
"""

from __future__ import annotations

import contextvars
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import BlockRule, Policy, RulesVersion

if TYPE_CHECKING:  # the pipeline imports this module's models: imported late below
    from .pipeline import RuleSet

logger = logging.getLogger(__name__)
CACHE_SECONDS = 24 * 3600  # an old version's entry is never read again: let it expire


@dataclass
class Rules:
    policy: Policy
    block_rules: RuleSet


class _Memo:
    rules = None

    def __init__(self, request=None):
        self.request = request


_request = contextvars.ContextVar("moderation_rules_request", default=None)


def current():
    """The policy and the compiled block rules, as of this request's version."""
    memo = _request.get()
    if memo is not None and memo.rules is not None:
        return memo.rules
    rules = _load()
    if memo is not None:
        memo.rules = rules
    return rules


def policy():
    """The policy alone: the row read with the page cache's version query when this request
    made one (a reader page: no query of its own, no block rules); else ``current().policy``
    (the same version as the block rules)."""
    memo = _request.get()
    if memo is not None and memo.rules is None and memo.request is not None:
        from posts import pagecache

        found = pagecache.singleton(memo.request, Policy, read=False)
        if found is not None:
            return found
    return current().policy


def _load():
    version = RulesVersion.current()
    if version is None:  # no version row (a flushed test database): nothing safe to cache
        return from_database()
    key = f"moderation:rules:{version}"
    try:
        rules = cache.get(key)
    except Exception as error:  # the cache is down: the database still answers
        logger.warning("moderation: cache unavailable, rules read from the database: %r", error)
        return from_database()
    if rules is None:
        rules = from_database()
        try:
            cache.set(key, rules, CACHE_SECONDS)
        except Exception as error:
            logger.warning("moderation: cache unavailable (set): %r", error)
    return rules


def from_database():
    from .pipeline import RuleSet

    return Rules(Policy.from_database(), RuleSet(BlockRule.objects.all()))


def begin_request(request=None):
    return _request.set(_Memo(request))


def end_request(token):
    _request.reset(token)


@receiver(post_save, sender=Policy, dispatch_uid="moderation.rules.policy_saved")
@receiver(post_delete, sender=Policy, dispatch_uid="moderation.rules.policy_deleted")
@receiver(post_save, sender=BlockRule, dispatch_uid="moderation.rules.rule_saved")
@receiver(post_delete, sender=BlockRule, dispatch_uid="moderation.rules.rule_deleted")
def changed(**kwargs):
    """A new version for every process; this request reads the new rules too."""
    RulesVersion.bump()
    memo = _request.get()
    if memo is not None:
        memo.rules = memo.request = None  # nor the policy read with the page's version
