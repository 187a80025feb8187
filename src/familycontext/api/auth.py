"""Who is calling: an API token, an OIDC bearer token, or a signed-in browser session.

One function, ``authenticate``, decides for both the versioned API and the reference contract; then
``require`` checks the scope and the roles (``accounts.roles``) exactly as the web pages do, and the
per-client request budget is counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.middleware.csrf import CsrfViewMiddleware

from familycontext.accounts.roles import has_role
from familycontext.api import oidc, ratelimit, tokens
from familycontext.api.models import SCOPES
from familycontext.api.problems import ApiProblem

BEARER_CHALLENGE = 'Bearer realm="familycontext"'


@dataclass(frozen=True)
class Principal:
    user: object
    method: str  # "token", "oidc" or "session"
    scopes: frozenset[str]
    client_key: str  # what the request budget is counted against
    token_id: int | None = None


def _unauthenticated(detail: str, slug: str = "not-authenticated") -> ApiProblem:
    return ApiProblem(401, slug, detail, headers={"WWW-Authenticate": BEARER_CHALLENGE})


def _from_bearer(request, value: str) -> Principal:
    if tokens.looks_like_api_token(value):
        token = tokens.find_token(value)
        if token is None:
            raise _unauthenticated("The API token is not recognised.", "invalid-token")
        if token.revoked_at is not None:
            raise _unauthenticated("The API token has been revoked.", "invalid-token")
        if not token.usable():
            raise _unauthenticated("The API token has expired (or its user is inactive). Ask an "
                                   "administrator for a new one.", "invalid-token")
        tokens.touch(token)
        return Principal(token.user, "token", frozenset(token.scopes), f"token:{token.pk}", token.pk)
    if oidc.looks_like_jwt(value):
        user = oidc.user_for_bearer(value)
        return Principal(user, "oidc", frozenset(SCOPES), f"user:{user.pk}")
    raise _unauthenticated("The bearer token is neither a Family Context API token nor a JWT.",
                           "invalid-token")


def authenticate(request, *, csrf: bool = True) -> Principal:
    """The caller, or a 401 problem. Browser sessions must pass Django's CSRF check on POST."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise _unauthenticated("Send the token as 'Authorization: Bearer <token>'.", "invalid-token")
        principal = _from_bearer(request, value.strip())
    else:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            raise _unauthenticated("Sign in, or send an API token or an OIDC bearer token as "
                                   "'Authorization: Bearer <token>'.")
        if csrf and request.method not in ("GET", "HEAD", "OPTIONS"):
            rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
            if rejected is not None:
                raise ApiProblem(403, "csrf-failed", "A signed-in browser must send the CSRF token "
                                 "(X-CSRFToken header) with this request; other clients use a token.")
        principal = Principal(user, "session", frozenset(SCOPES), f"user:{user.pk}")
    request.user = principal.user  # the audit trail names this user
    ratelimit.check(principal.client_key)
    return principal


def require(principal: Principal, scope: str, *roles: str) -> None:
    """403 problem unless the token has ``scope`` and the user holds one of ``roles``."""
    if scope not in principal.scopes:
        raise ApiProblem(403, "insufficient-scope", f"This call needs a token with the scope {scope}.",
                         headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'})
    if roles and not has_role(principal.user, *roles):
        raise ApiProblem(403, "role-required", "Your account does not have a role this call needs ("
                         + ", ".join(roles) + "). Ask the service administrator.")
