"""Failed sign-ins counted per client address, beside the per-account lockout (issue 17).

django-axes locks an *account* after repeated failures (``accounts.lockout``). That alone lets
one address try a few passwords against each of many accounts (password spraying) without ever
locking any. So failures are also counted per client address in a fixed one-minute window:
past ``local_accounts.failed_sign_ins_per_address_per_minute`` every sign-in from that address
answers 429 with ``Retry-After`` until the window ends, before any password is checked (so a
spray also stops costing Argon2 work). Only failures count: an office of hundreds behind one
proxy address signing in normally is never slowed. ``governance.alerts`` raises the auditors'
alert for a burst of failures across accounts from one address.

Counted in Django's cache: with several server processes configure a shared cache (CACHES), as
for the API's rate limit, or each process counts on its own.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def _key(address: str | None, window: int) -> str:
    return f"sign-in-failures:{address or 'unknown'}:{window}"


def retry_after(address: str | None, *, now: float | None = None) -> int | None:
    """Seconds until sign-in from ``address`` is allowed again, or None when it is allowed now."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    if (cache.get(_key(address, window)) or 0) < settings.CONFIG.local_accounts.failed_sign_ins_per_address_per_minute:
        return None
    return max(1, int((window + 1) * WINDOW_SECONDS - now))


def failed(address: str | None, *, now: float | None = None) -> int:
    """Count one failed sign-in from ``address``; returns the count in this window."""
    now = time.time() if now is None else now
    key = _key(address, int(now // WINDOW_SECONDS))
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        return 1


def message(seconds: int) -> str:
    return (f"Too many failed sign-ins from your network. Try again in {seconds} seconds. If you share a "
            "network with colleagues, one of you may need to ask the IT service desk for help.")
