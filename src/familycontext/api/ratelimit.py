"""A fixed-window request counter per client (token, bearer user or session user), in the cache.

``api.requests_per_minute`` sets the budget. With several server processes, configure a shared
cache (Django's CACHES) so they count together; the default local-memory cache counts per process.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from familycontext.api.problems import ApiProblem

WINDOW_SECONDS = 60


def check(client_key: str, *, now: float | None = None) -> None:
    """Count one request; raise a 429 problem with Retry-After once the window's budget is spent."""
    limit = settings.CONFIG.api.requests_per_minute
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{client_key}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now))
        raise ApiProblem(
            429, "rate-limited",
            f"This client may make {limit} requests a minute. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
