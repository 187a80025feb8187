"""Roles (SPEC 1) as Django groups: combinable, checked on the server for every page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from familycontext.accounts.signals import roles_changed

PRACTITIONER = "practitioner"
TEAM_MANAGER = "team_manager"
AUDITOR = "auditor"
DATA_MANAGER = "data_manager"
ADMINISTRATOR = "administrator"

ROLES: dict[str, str] = {
    PRACTITIONER: "Practitioner",
    TEAM_MANAGER: "Team manager",
    AUDITOR: "Auditor",
    DATA_MANAGER: "Data manager",
    ADMINISTRATOR: "Administrator",
}

# Roles that may search and view people: a team manager works "as practitioner, plus ...".
CAN_VIEW_PEOPLE = (PRACTITIONER, TEAM_MANAGER)


def ensure_groups() -> None:
    """Create one group per role (idempotent)."""
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def roles_of(user) -> frozenset[str]:
    """The user's roles, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_familycontext_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._familycontext_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {sorted(unknown)}")
    return bool(roles_of(user) & set(roles))


def set_roles(user, roles: list[str] | tuple[str, ...] | set[str] | frozenset[str], *,
              source: str = "") -> bool:
    """Make the user's roles exactly ``roles``; returns whether they changed.

    A change is announced (``accounts.signals.roles_changed``) so that it reaches the audit trail.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {sorted(unknown)}")
    ensure_groups()
    before = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    after = frozenset(roles)
    if hasattr(user, "_familycontext_roles"):
        del user._familycontext_roles
    if before == after:
        return False
    keep = user.groups.exclude(name__in=ROLES)
    user.groups.set([*keep, *Group.objects.filter(name__in=after)])
    roles_changed.send(sender=type(user), user=user, before=before, after=after, source=source)
    return True


def role_required(*roles: str) -> Callable:
    """View decorator: sign-in page when signed out, 403 when signed in without any of ``roles``."""
    if not roles or set(roles) - set(ROLES):
        raise ValueError(f"role_required needs known roles, got {roles!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("This needs one of the roles: " + ", ".join(roles))
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator
