"""The admin login throttle: failures in a sliding window, per account and per address.

- one account from one address: locked after ``PAIR_LIMIT`` failures (someone guessing);
- one address, any accounts: after ``ADDRESS_LIMIT`` (someone trying many accounts);
- one account from anywhere: only after ``ACCOUNT_LIMIT`` (a guess spread over many
  addresses; this one locks the owner out too, so it is set much higher).

The owner logging in from another address is not stopped by an attacker's failures, and a
successful login clears only its own (account, address) count.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .models import LoginFailure

WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
ACCOUNT_LIMIT = 100


@dataclass(frozen=True)
class Lockout:
    seconds: int
    message: str


def account(username):
    """The account as counted: case and surrounding space do not make a new one."""
    return (username or "").replace("\x00", "").strip().lower()[:150]


def _scopes(username, address):
    """(name, limit, filter, message) for each count that can lock this attempt."""
    user = account(username)
    scopes = []
    if address:
        scopes.append(
            (
                "pair",
                PAIR_LIMIT,
                Q(username=user, address=address),
                "Too many failed logins to this account from your address.",
            )
        )
        scopes.append(
            (
                "address",
                ADDRESS_LIMIT,
                Q(address=address),
                "Too many failed logins from your address.",
            )
        )
    scopes.append(("account", ACCOUNT_LIMIT, Q(username=user),
                   "Too many failed logins to this account from many addresses: it is "
                   "locked for everyone for now."))  # fmt: skip
    return scopes


def lockout(username, address, now=None):
    """The ``Lockout`` this attempt is under (the longest wait), or ``None``. One query
    when nothing is locked."""
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(created_at__gt=now - WINDOW)
    scopes = _scopes(username, address)
    either = Q()
    for _, _, where, _ in scopes:
        either |= where
    counts = recent.filter(either).aggregate(
        **{name: Count("pk", filter=where) for name, _, where, _ in scopes}
    )
    worst = None
    for name, limit, where, message in scopes:
        if counts[name] < limit:
            continue
        # Unlocked when the limit-th newest failure leaves the window.
        newest = recent.filter(where).order_by("-created_at").values_list("created_at", flat=True)
        nth = list(newest[limit - 1 : limit])
        if not nth:  # pruned meanwhile
            continue
        seconds = max(1, math.ceil((nth[0] + WINDOW - now).total_seconds()))
        if worst is None or seconds > worst.seconds:
            worst = Lockout(seconds, f"{message} Try again in {_duration(seconds)}.")
    return worst


def _duration(seconds):
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def prune(now=None):
    """Forget failures that left the window (they name addresses: keep them no longer)."""
    LoginFailure.objects.filter(created_at__lte=(now or timezone.now()) - WINDOW).delete()


def record_failure(username, address, now=None):
    now = now or timezone.now()
    prune(now)
    LoginFailure.objects.create(username=account(username), address=address, created_at=now)


def record_success(username, address):
    """The owner got in from here: forget their own mistakes from this address only."""
    prune()
    LoginFailure.objects.filter(username=account(username), address=address).delete()
