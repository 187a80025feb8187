"""API tokens: how a case management system (or another client) authenticates without a browser.

Only a SHA-256 hash of the token is stored; the token itself is shown once, when created. A token
belongs to one user and acts with that user's roles, narrowed by its scopes; it expires and can be
revoked, and its last use is kept so an administrator can see which tokens are alive.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

SCOPES: dict[str, str] = {
    "read:people": "Search people and read their details, services and related individuals",
    "read:sources": "Read which data sources are loaded and how current they are",
}


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=200, blank=True, help_text="What the token is for")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex")
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token in lists")
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"
