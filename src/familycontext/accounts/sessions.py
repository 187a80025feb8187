"""Session policy (SPEC 8): inactivity time-out, absolute limit, one live session per user.

The limits are enforced here on every request rather than left to the session store's expiry, so
that the sign-in page can say *why* a session ended. The store keeps a session no longer than the
absolute limit (``SESSION_COOKIE_AGE``), so nothing outlives it even if the user never returns.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest

from familycontext.accounts.backends import LIVE_TOKEN_ATTRIBUTE
from familycontext.accounts.models import LiveSession
from familycontext.accounts.signals import session_ended

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen_at"
LIVE_TOKEN = "live_session_token"  # matches the user's LiveSession.token while this one is live

# Why a session ended -> the sign-in page's explanation (``?ended=<why>``).
ENDED_MESSAGES = {
    "signed-out": "You have signed out.",
    "inactive": "You have been signed out because you had not done anything for {minutes}. "
                "Sign in again to continue.",
    "absolute": "You have been signed out because your session reached its time limit of {hours}. "
                "Sign in again to continue.",
    "ended": "Your session has ended. Sign in again to continue.",
    "replaced": "You have been signed out because your account was used to sign in somewhere else "
                "(another browser or device). Only one session per account is allowed. If this was "
                "not you, tell the IT service desk now.",
}


def inactivity_timeout_seconds() -> int:
    """Idle time after which a session ends (``SESSION_INACTIVITY_TIMEOUT`` overrides, for tests)."""
    override = getattr(settings, "SESSION_INACTIVITY_TIMEOUT", None)
    return int(override) if override else settings.CONFIG.sessions.inactivity_timeout_minutes * 60


def absolute_limit_seconds() -> int:
    """Session length after which it ends whatever the activity."""
    override = getattr(settings, "SESSION_ABSOLUTE_LIMIT", None)
    return int(override) if override else settings.CONFIG.sessions.absolute_limit_hours * 3600


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def ended_message(why: str) -> str | None:
    """The sentence shown on the sign-in page after a session ended for ``why``."""
    template = ENDED_MESSAGES.get(why)
    if template is None:
        return None
    idle = inactivity_timeout_seconds()
    minutes = _plural(idle // 60, "minute") if idle >= 60 else _plural(idle, "second")
    hours = _plural(max(absolute_limit_seconds() // 3600, 1), "hour")
    return template.format(minutes=minutes, hours=hours)


def begin(request: HttpRequest, user) -> None:
    """Make the request's (just signed-in) session the user's only live one, and start its clocks."""
    now = time.time()
    token = secrets.token_urlsafe(32)
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[LIVE_TOKEN] = token
    LiveSession.objects.update_or_create(user=user, defaults={"token": token})


def forget(user) -> None:
    """End the user's live session wherever it is (sign-out everywhere)."""
    LiveSession.objects.filter(user=user).delete()


def why_it_ended(request: HttpRequest, now: float | None = None) -> str | None:
    """``None`` while the signed-in session may go on; otherwise why it must end now."""
    now = time.time() if now is None else now
    session = request.session
    # accounts.backends read the token with the user, in the same query, for this request.
    live = getattr(request.user, LIVE_TOKEN_ATTRIBUTE, None)
    if live is None:
        live = LiveSession.objects.filter(user=request.user).values_list("token", flat=True).first()
    if not live:
        return "ended"  # signed out everywhere (or ended by an administrator)
    if not secrets.compare_digest(live, session.get(LIVE_TOKEN, "")):
        return "replaced"
    started = session.get(SIGNED_IN_AT, now)
    if now - started > absolute_limit_seconds():
        return "absolute"
    if now - session.get(LAST_SEEN, now) > inactivity_timeout_seconds():
        return "inactive"
    return None


def end(request: HttpRequest, why: str) -> None:
    """Sign the request's user out because the policy says so; announced for the audit trail."""
    user = request.user
    if why != "replaced":
        forget(user)
    session_ended.send(sender=None, request=request, user=user, why=why)
    logout(request)


def touch_interval_seconds() -> int:
    """How stale the recorded activity may get before a request records it again: a tenth of the
    inactivity time-out, at most a minute.

    Recording it on every request meant writing the session on every request (docs/adr/0002). Recording
    it at most once a minute can only end an idle session *earlier* (by under a minute of the 15),
    never later.
    """
    return min(60, inactivity_timeout_seconds() // 10)


def touch(request: HttpRequest, now: float | None = None) -> None:
    """Record activity; starts the clocks of a session made without ``begin`` (e.g. by a test).

    The session is written only when this changes it (``touch_interval_seconds``).
    """
    now = time.time() if now is None else now
    session = request.session
    if SIGNED_IN_AT not in session:
        session[SIGNED_IN_AT] = now
    if now - session.get(LAST_SEEN, 0) >= touch_interval_seconds():
        session[LAST_SEEN] = now
