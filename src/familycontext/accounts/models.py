"""Accounts' own records: which session is each user's live one (SPEC 8: one live session per user)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LiveSession(models.Model):
    """The one session a user may use. Signing in elsewhere replaces it; the old one then ends
    at its next request, and its user is told why."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="live_session")
    # A random id kept in the session's data, not Django's session key: Django changes the key
    # of a live session now and then (e.g. when it accepts a SECRET_KEY_FALLBACKS signature).
    token = models.CharField(max_length=64)
    started_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id} since {self.started_at:%Y-%m-%d %H:%M}"
