"""OIDC bearer tokens: a JWT from the council's identity provider, checked against its published keys.

Checked: the signature (keys from the issuer's JWKS, found through its discovery document), ``iss``,
``aud``, ``exp`` (and ``nbf``/``iat`` when present). The user is the active account whose username
(or e-mail, when the claim is ``email``) equals the configured claim. Without an ``[sso]`` issuer in
the configuration, bearer JWTs are not accepted at all.
"""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model

from familycontext.api.problems import ApiProblem

ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
_DISCOVERY_TTL = 3600
_cache: dict[str, tuple[float, Any]] = {}


@dataclass(frozen=True)
class BearerSettings:
    issuer: str
    audience: str
    user_claim: str
    jwks_uri: str | None = None


def _first(obj: Any, *names: str) -> str:
    for name in names:
        value = getattr(obj, name, None)
        if value:
            return str(value)
    return ""


def bearer_settings() -> BearerSettings | None:
    """From ``[sso]`` (issuer, client id, user claim) and ``[api]`` overrides; None when SSO is off."""
    config = settings.CONFIG
    sso = getattr(config, "sso", None)
    if sso is None or getattr(sso, "enabled", True) is False:
        return None
    issuer = _first(sso, "issuer", "issuer_url", "authority")
    if not issuer:
        return None
    audience = config.api.bearer_audience or _first(sso, "client_id", "audience")
    claim = config.api.bearer_user_claim or _first(sso, "username_claim", "user_claim") or "preferred_username"
    return BearerSettings(issuer=issuer, audience=audience, user_claim=claim,
                          jwks_uri=_first(sso, "jwks_uri") or None)


def _fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (configured https URL)
        return json.loads(response.read().decode("utf-8"))


def _jwks_client(conf: BearerSettings) -> jwt.PyJWKClient:
    key = f"jwks:{conf.issuer}"
    cached = _cache.get(key)
    if cached and cached[0] > time.time():
        return cached[1]
    uri = conf.jwks_uri
    if not uri:
        discovery = _fetch_json(conf.issuer.rstrip("/") + "/.well-known/openid-configuration")
        uri = discovery["jwks_uri"]
    client = jwt.PyJWKClient(uri, cache_keys=True, lifespan=_DISCOVERY_TTL, timeout=5)
    _cache[key] = (time.time() + _DISCOVERY_TTL, client)
    return client


def looks_like_jwt(value: str) -> bool:
    return value.count(".") == 2


def _unauthorised(detail: str) -> ApiProblem:
    return ApiProblem(401, "invalid-bearer-token", detail,
                      headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def user_for_bearer(token: str):
    """The active user this JWT names; a 401 problem saying why when it does not check out."""
    conf = bearer_settings()
    if conf is None:
        raise _unauthorised("Single sign-on bearer tokens are not enabled here; use an API token.")
    try:
        signing_key = _jwks_client(conf).get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token, signing_key.key, algorithms=ALGORITHMS, issuer=conf.issuer,
            audience=conf.audience or None, leeway=30,
            options={"require": ["exp", "iss", "aud"] if conf.audience else ["exp", "iss"],
                     "verify_aud": bool(conf.audience)},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorised("The bearer token has expired.") from exc
    except jwt.InvalidIssuerError as exc:
        raise _unauthorised("The bearer token was issued by another identity provider.") from exc
    except jwt.InvalidAudienceError as exc:
        raise _unauthorised("The bearer token is not meant for Family Context (audience).") from exc
    except (jwt.PyJWTError, jwt.PyJWKClientError, OSError, KeyError, ValueError) as exc:
        raise _unauthorised("The bearer token could not be checked: " + type(exc).__name__ + ".") from exc
    value = claims.get(conf.user_claim)
    if not isinstance(value, str) or not value:
        raise _unauthorised(f"The bearer token has no {conf.user_claim} claim.")
    users = get_user_model().objects.filter(is_active=True)
    field = "email__iexact" if conf.user_claim == "email" else "username__iexact"
    matches = list(users.filter(**{field: value})[:2])
    if len(matches) != 1:
        raise ApiProblem(403, "unknown-user", "The bearer token names no single active Family Context "
                         "account. Ask the service administrator to create or activate it.")
    return matches[0]
