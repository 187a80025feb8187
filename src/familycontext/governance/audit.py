"""Writing the audit trail (SPEC 8). Views call ``record`` once per audited action; commands,
loads and signal handlers call ``record_event``, which needs no request.

Every entry is chained (``governance.chain``) and checked against the alert rules
(``governance.alerts``) as it is written.
"""

from __future__ import annotations

import contextvars
import getpass
import ipaddress
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from familycontext.governance import alerts, chain
from familycontext.governance.models import AuditAction, AuditEntry
from familycontext.governance.reason import Reason, current_reason

# The request being served on this thread, set by ``governance.middleware``; lets events raised
# deep inside a request (a role change, a restriction) name who did it and from where.
current_request: contextvars.ContextVar = contextvars.ContextVar("familycontext_request", default=None)


def _display_name(user) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "username", "")


def _ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address the request came from.

    REMOTE_ADDR, unless it is one of our own proxies (``TRUSTED_PROXY_ADDRESSES``, the addresses
    gunicorn trusts: FAMILYCONTEXT_FORWARDED_ALLOW_IPS): then the nearest address in
    X-Forwarded-For that is not one of them (nginx appends the peer it saw), so the audit trail
    and the per-address sign-in throttle see the client, not nginx. Addresses further left were
    written by the client and are not trusted.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = getattr(settings, "TRUSTED_PROXY_ADDRESSES", ())
    if remote and remote in trusted:
        for hop in reversed((request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")[-20:]):
            address = _ip(hop)
            if address is None:
                break
            if address not in trusted:
                return address
    return remote


def command_line_actor() -> str:
    """Who ran a command: the operating-system account, since there is no signed-in user."""
    try:
        name = getpass.getuser()
    except Exception:  # no login name in some containers
        name = "unknown"
    return f"command line ({name})"


def _dob_shown(person, date_of_birth_shown: str | None) -> str:
    if date_of_birth_shown is not None:
        return date_of_birth_shown
    if getattr(person, "date_of_birth", None):
        return person.date_of_birth.strftime("%-d %B %Y")
    return "Not known"


def build_entry(
    action: AuditAction | str,
    *,
    user=None,
    username: str = "",
    person=None,
    date_of_birth_shown: str | None = None,
    search_terms: dict[str, Any] | None = None,
    reason: Reason | None = None,
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved entry with who, what, whom, why and where filled in."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    entry = AuditEntry(
        user_id=user.pk if signed_in else None,
        username=(user.get_username() if signed_in else username or "")[:150],
        user_name=_display_name(user) if signed_in else "",
        action=str(action),
        search_terms=search_terms,
        client_address=address,
        details=details,
    )
    if signed_in:
        entry._user = user  # not stored: saves the alert rules fetching the user again
    if person is not None:
        entry.person_id = person.id
        entry.person_name = person.full_name
        entry.person_date_of_birth = _dob_shown(person, date_of_birth_shown)
        entry._person = person  # not stored: lets the alert rules compare family names and areas
    if reason is not None:
        entry.reason_cms_id = reason.cms_id
        entry.reason_type = reason.type
        entry.reason_text = reason.text
    return entry


def _from_request(request, action, **kwargs) -> AuditEntry:
    user = getattr(request, "user", None)
    reason = current_reason(request) if hasattr(request, "session") else None
    return build_entry(action, user=user, reason=reason, address=client_address(request), **kwargs)


def _write(entries: list[AuditEntry]) -> list[AuditEntry]:
    chain.append(entries)
    alerts.check(entries)
    return entries


def record(
    request,
    action: AuditAction | str,
    person=None,
    search_terms: dict[str, Any] | None = None,
    *,
    username: str | None = None,
    date_of_birth_shown: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry: who (from the request), the reason in the session, and what was seen.

    ``username`` names the account for a failed sign-in, when there is no signed-in user.
    """
    entry = _from_request(request, action, username=username or "", person=person,
                          date_of_birth_shown=date_of_birth_shown, search_terms=search_terms,
                          details=details)
    return _write([entry])[0]


def record_many(request, action: AuditAction | str, people) -> list[AuditEntry]:
    """One entry per person, e.g. everyone shown on a page of results, in one transaction."""
    entries = [_from_request(request, action, person=p) for p in people]
    return _write(entries) if entries else []


def record_view_once(request, person) -> AuditEntry | None:
    """``viewed_person`` once per exposure: a person's page seen through several API calls (the
    person, their services, their related individuals) with one reason is one entry.

    Not written when this user's latest ``viewed_person`` is the same person with the same reason,
    less than the session inactivity time-out ago; viewing someone else in between, or another
    reason, makes the next view a new exposure. Checked under the chain-head lock, so the reference
    client's three parallel calls write one entry, not three. The alerts therefore count exposures.
    """
    reason = current_reason(request) if hasattr(request, "session") else None
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return record(request, AuditAction.VIEWED_PERSON, person=person)
    since = timezone.now() - timedelta(minutes=settings.CONFIG.sessions.inactivity_timeout_minutes)
    with transaction.atomic():
        chain.lock_head()
        last = (AuditEntry.objects.filter(user_id=user.pk, action=AuditAction.VIEWED_PERSON, at__gt=since)
                .order_by("-at", "-sequence")
                .values_list("person_id", "reason_cms_id", "reason_type", "reason_text").first())
        given = (reason.cms_id, reason.type, reason.text) if reason else ("", "", "")
        if last is not None and last[0] == person.id and tuple(v or "" for v in last[1:]) == given:
            return None
        return record(request, AuditAction.VIEWED_PERSON, person=person)


def record_event(
    action: AuditAction | str,
    *,
    user=None,
    actor: str = "",
    person=None,
    search_terms: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    address: str | None = None,
    reason: Reason | None = None,
) -> AuditEntry:
    """Append one entry without a request: data loads, commands, purges, signal handlers.

    Who: ``user`` if given; otherwise the signed-in user of the request being served on this
    thread, if any; otherwise ``actor`` (default: the operating-system account running the command).
    """
    request = current_request.get()
    if user is None and request is not None and getattr(request, "user", None) is not None \
            and request.user.is_authenticated:
        user = request.user
        address = address or client_address(request)
        reason = reason or (current_reason(request) if hasattr(request, "session") else None)
    username = "" if user is not None else (actor or command_line_actor())
    entry = build_entry(action, user=user, username=username, person=person,
                        search_terms=search_terms, reason=reason, address=address, details=details)
    return _write([entry])[0]
