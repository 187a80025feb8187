"""Creating, finding and revoking API tokens. The token is random; only its SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from familycontext.api.models import SCOPES, ApiToken

TOKEN_PREFIX = "fct_"  # lets secret scanners and people recognise a Family Context token


class TokenError(ValueError):
    """A token request that cannot be met; the message says why in plain words."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_api_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def create_token(username: str, scopes: list[str], expires_days: int, *, name: str = "",
                 created_by: str = "") -> NewToken:
    """A new token for an existing, active user; 32 random bytes, URL-safe."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise TokenError(f"There is no user called {username!r}.")
    if not user.is_active:
        raise TokenError(f"The user {username!r} is not active.")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise TokenError(f"Scopes must be among {', '.join(SCOPES)}; got {', '.join(unknown) or 'none'}.")
    limit = settings.CONFIG.api.max_token_days
    if not 1 <= expires_days <= limit:
        raise TokenError(f"A token must expire in 1 to {limit} days (api.max_token_days).")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:200], token_hash=hash_token(secret), prefix=secret[:12],
        scopes=sorted(set(scopes)), created_by=created_by[:150],
        expires_at=timezone.now() + timedelta(days=expires_days),
    )
    return NewToken(token, secret)


def find_token(secret: str) -> ApiToken | None:
    """The token with this secret, whatever its state (the caller decides what expired means)."""
    return ApiToken.objects.select_related("user").filter(token_hash=hash_token(secret)).first()


def touch(token: ApiToken) -> None:
    """Record use, at most once a minute, so a busy client does not write on every request."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke(token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise TokenError(f"There is no token with id {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
