"""Break-glass access to a restricted person (SPEC 8).

A user who needs a restricted person's details writes why; the access is audited, alerts the
auditors and lasts for that person until the session ends (sign-out or time-out).
"""

from __future__ import annotations

from django.conf import settings

from familycontext.governance.audit import record
from familycontext.governance.models import AuditAction, AuditEntry

SESSION_KEY = "break_glass_people"


def min_length() -> int:
    return settings.CONFIG.audit.break_glass_min_length


def granted(request, person_id: str) -> bool:
    """Has this session broken the glass for this person?"""
    return person_id in request.session.get(SESSION_KEY, [])


def opened(request) -> frozenset[str]:
    """Every person this session has broken the glass for."""
    session = getattr(request, "session", None)
    return frozenset(session.get(SESSION_KEY, [])) if session is not None else frozenset()


def problem_with(justification: str) -> str | None:
    """Why a justification is not accepted, in words for the error message; None if it is."""
    text = (justification or "").strip()
    if not text:
        return "Enter why you need to see this restricted record"
    if len(text) < min_length():
        return f"Justification must be {min_length()} characters or more"
    if len(text) > 2000:
        return "Justification must be 2,000 characters or fewer"
    return None


def grant(request, person, justification: str) -> AuditEntry:
    """Record the break-glass (with its justification) and open the person for this session."""
    problem = problem_with(justification)
    if problem:
        raise ValueError(problem)
    entry = record(request, AuditAction.BREAK_GLASS, person=person,
                   details={"justification": justification.strip()})
    people = list(request.session.get(SESSION_KEY, []))
    if person.id not in people:
        people.append(person.id)
    request.session[SESSION_KEY] = people
    return entry
