"""Account events from ``accounts`` written to the audit trail (SPEC 8: user and role changes,
sessions the product ended). Connected in ``WebConfig.ready``: ``accounts`` may not import
``governance``, and the web layer may use both."""

from __future__ import annotations

from familycontext.accounts.signals import account_changed, roles_changed, session_ended
from familycontext.governance.audit import record, record_event
from familycontext.governance.models import AuditAction

# How an account change came about -> who the audit entry names when no user did it by hand.
ACTORS = {"single sign-on": "single sign-on", "command": "", "demo-users command": ""}


def _actor(source: str, user) -> dict:
    if source == "user":
        return {"user": user}
    return {"actor": ACTORS.get(source, source)}


def on_roles_changed(sender, user, before, after, source="", **kwargs) -> None:
    record_event(AuditAction.ROLES_CHANGED, **_actor(source, user), details={
        "account": user.get_username(), "before": sorted(before), "after": sorted(after),
        "how": source or "unknown"})


def on_account_changed(sender, user, change, source="", **kwargs) -> None:
    record_event(AuditAction.USER_CHANGED, **_actor(source, user), details={
        "account": user.get_username(), "change": change, "how": source or "unknown"})


def on_session_ended(sender, request, user, why, **kwargs) -> None:
    record(request, AuditAction.SIGNED_OUT, details={"why": why})


def connect() -> None:
    roles_changed.connect(on_roles_changed, dispatch_uid="familycontext.web.audit_roles")
    account_changed.connect(on_account_changed, dispatch_uid="familycontext.web.audit_account")
    session_ended.connect(on_session_ended, dispatch_uid="familycontext.web.audit_session_ended")
