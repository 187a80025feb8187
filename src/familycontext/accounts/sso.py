"""OpenID Connect single sign-on (SPEC 8) with Authlib.

Why Authlib rather than mozilla-django-oidc: Authlib reads the provider's discovery document
(``/.well-known/openid-configuration``), so one ``issuer`` is all a council configures for
Microsoft Entra ID or any other standard provider; it checks the ID token's signature (JWKS),
issuer, audience, expiry and nonce, and supports PKCE. mozilla-django-oidc needs every endpoint
configured by hand in Django settings, which would have put provider details in code, not in the
council's configuration file.

The provider authenticates; Family Context then makes (or updates) a local user named by
``username_claim`` and sets its roles from ``groups_claim`` through ``role_map``, on every
sign-in, so a change of group at the provider takes effect at the next sign-in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth import get_user_model

from familycontext.accounts.roles import set_roles
from familycontext.accounts.signals import account_changed
from familycontext.config.settings import SingleSignOn

_clients: dict[tuple, Any] = {}


class SignOnRefused(Exception):
    """The provider's answer cannot sign anyone in; the message is safe to show."""


def sso_config() -> SingleSignOn:
    return settings.CONFIG.sso


def enabled() -> bool:
    return sso_config().enabled


def client():
    """The Authlib client for the configured provider (one per configuration, reused)."""
    config = sso_config()
    secret = os.environ.get(config.client_secret_env, "")
    key = (config.issuer, config.client_id, secret, tuple(config.scopes))
    if key not in _clients:
        oauth = OAuth()
        oauth.register(
            "sso",
            client_id=config.client_id,
            client_secret=secret or None,
            server_metadata_url=config.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": " ".join(config.scopes), "code_challenge_method": "S256",
                           "timeout": 10},
        )
        _clients[key] = oauth.create_client("sso")
    return _clients[key]


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in."""

    username: str
    first_name: str
    last_name: str
    email: str
    groups: tuple[str, ...]


def identity_from_claims(claims: dict[str, Any], config: SingleSignOn | None = None) -> Identity:
    """Read the claims Family Context uses; refuse an answer without a username."""
    config = config or sso_config()
    username = str(claims.get(config.username_claim) or claims.get("email") or "").strip()
    if not username:
        raise SignOnRefused(f"The sign-in service did not say who you are (no '{config.username_claim}').")
    groups = claims.get(config.groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    name = str(claims.get("name") or "")
    first = str(claims.get("given_name") or name.partition(" ")[0])
    last = str(claims.get("family_name") or name.partition(" ")[2])
    return Identity(username=username[:150], first_name=first[:150], last_name=last[:150],
                    email=str(claims.get("email") or "")[:254], groups=tuple(str(g) for g in groups))


def claims_from_token(token: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims, completed from the userinfo endpoint when the groups are not in it
    (Entra ID puts groups in the ID token; many providers only answer them from userinfo)."""
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise SignOnRefused("The sign-in service sent no ID token.")
    config = sso_config()
    if config.groups_claim not in claims or config.username_claim not in claims:
        try:
            extra = dict(client().userinfo(token=token))
        except Exception:  # noqa: BLE001 - a provider without userinfo: use the ID token alone
            extra = {}
        if extra.get("sub") == claims.get("sub"):
            claims = {**extra, **claims}
    return claims


def user_for(identity: Identity):
    """The local user for a provider identity, created on first sign-in, roles set from groups.

    Someone whose groups map to no role is refused: it is the provider's groups that grant access.
    """
    roles = sso_config().roles_for(list(identity.groups))
    User = get_user_model()
    user = User.objects.filter(username=identity.username).first()
    if not roles:
        if user is not None:
            set_roles(user, [], source="single sign-on")
        raise SignOnRefused("Your account is not in any group that gives access to this service. "
                            "Ask your manager or the IT service desk for access.")
    created = user is None
    if created:
        user = User(username=identity.username)
        user.set_unusable_password()  # this account signs in through the provider only
    changed = created or (user.first_name, user.last_name, user.email) != (
        identity.first_name, identity.last_name, identity.email)
    if not user.is_active:
        raise SignOnRefused("Your account has been switched off in this service.")
    user.first_name, user.last_name, user.email = identity.first_name, identity.last_name, identity.email
    if changed:
        user.save()
        account_changed.send(sender=type(user), user=user,
                             change="created" if created else "name or email updated",
                             source="single sign-on")
    set_roles(user, sorted(roles), source="single sign-on")
    return user
