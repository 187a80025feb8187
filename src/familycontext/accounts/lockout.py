"""Lockout after repeated failed sign-ins (SPEC 8), with django-axes.

Axes counts failures per username (also for names that do not exist, so a locked-out message
does not reveal which accounts exist) and refuses even the right password during the lockout.
These callables let the limits come from the council's configuration at the time of the attempt.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    return settings.CONFIG.local_accounts.lockout_after_failures


def cool_off(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=settings.CONFIG.local_accounts.lockout_minutes)


def locked_out(request: HttpRequest) -> bool:
    """Whether the attempt just made (through ``authenticate``) hit or met a lockout."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """Keep the sign-in page the view made (it explains the lockout in GOV.UK style)."""
    if original_response is not None:
        return original_response
    return HttpResponse("Too many failed sign-in attempts. Try again later.", status=429,
                        content_type="text/plain")
