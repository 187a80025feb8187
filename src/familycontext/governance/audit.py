"""Writing the audit trail. Views call ``record`` once per audited action."""

from __future__ import annotations

from typing import Any

from familycontext.governance.models import AuditAction, AuditEntry
from familycontext.governance.reason import current_reason


def _display_name(user) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "username", "")


def client_address(request) -> str | None:
    """The address the request came from (REMOTE_ADDR; a proxy must be configured to set it)."""
    return request.META.get("REMOTE_ADDR") or None


def record(
    request,
    action: AuditAction | str,
    person=None,
    search_terms: dict[str, Any] | None = None,
    *,
    username: str | None = None,
    date_of_birth_shown: str | None = None,
) -> AuditEntry:
    """Append one entry: who (from the request), the reason in the session, and what was seen.

    ``username`` names the account for a failed sign-in, when there is no signed-in user.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    reason = current_reason(request) if hasattr(request, "session") else None
    entry = AuditEntry(
        user_id=user.pk if signed_in else None,
        username=(user.get_username() if signed_in else (username or ""))[:150],
        user_name=_display_name(user) if signed_in else "",
        action=str(action),
        search_terms=search_terms,
        client_address=client_address(request),
    )
    if person is not None:
        entry.person_id = person.id
        entry.person_name = person.full_name
        if date_of_birth_shown is not None:
            entry.person_date_of_birth = date_of_birth_shown
        elif person.date_of_birth:
            entry.person_date_of_birth = person.date_of_birth.strftime("%-d %B %Y")
        else:
            entry.person_date_of_birth = "Not known"
    if reason is not None:
        entry.reason_cms_id = reason.cms_id
        entry.reason_type = reason.type
        entry.reason_text = reason.text
    entry.save()
    return entry


def record_many(request, action: AuditAction | str, people) -> list[AuditEntry]:
    """One entry per person, e.g. everyone shown on a page of results."""
    return [record(request, action, person=p) for p in people]
