"""The reason for access (SPEC 8) for API calls, and auditing with it.

A person call carries a reason: headers ``X-Reason-CMS-Id``, ``X-Reason-Type`` (section-47,
section-17 or other) and ``X-Reason-Text`` (required for other), or the query parameters
``reason_cms_id``, ``reason_type``, ``reason_text``. A browser session that already stated a reason
in the web app may rely on it. The reason is not written into any session: it holds for one call.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from familycontext.api.problems import ApiProblem
from familycontext.governance import audit
from familycontext.governance.reason import REASON_TYPES, SESSION_KEY, Reason, current_reason
from familycontext.governance.reason import problems as reason_problems

HOW_TO_GIVE_A_REASON = (
    "Give the reason for access with the headers X-Reason-CMS-Id (the case management system id "
    "of the child whose assessment this is), X-Reason-Type (section-47, section-17 or other) and, "
    "for other, X-Reason-Text; or the query parameters reason_cms_id, reason_type and reason_text."
)
API_TYPES = {key.replace("_", "-"): key for key in REASON_TYPES}  # section-47 -> section_47
FIELDS = {"cms_id": "X-Reason-CMS-Id (reason_cms_id)", "type": "X-Reason-Type (reason_type)",
          "text": "X-Reason-Text (reason_text)"}


def _given(request, header: str, query: str) -> str:
    value = request.headers.get(header)
    if value is None:
        value = request.GET.get(query)
    return (value or "").strip()


def reason_from_request(request, *, required: bool) -> Reason | None:
    """The reason this call gives, else the session's; a 400 problem when required and missing or bad."""
    cms_id = _given(request, "X-Reason-CMS-Id", "reason_cms_id")
    kind = _given(request, "X-Reason-Type", "reason_type").lower()
    text = _given(request, "X-Reason-Text", "reason_text")
    if cms_id or kind or text:
        key = API_TYPES.get(kind) or (kind if kind in REASON_TYPES else None)
        found = reason_problems(cms_id, key or "", text)
        # Named as the caller gave them: the header (or query parameter) and the rule's words.
        problems = [f"{FIELDS[name]}: {message}" for name, message in found.items()]
        if problems:
            raise ApiProblem(400, "invalid-reason", "; ".join(problems) + ". " + HOW_TO_GIVE_A_REASON)
        return Reason(cms_id=cms_id, type=key, text=text if key == "other" else "")
    session_reason = current_reason(request) if hasattr(request, "session") else None
    if session_reason is None and required:
        raise ApiProblem(400, "reason-required", "This call shows a person, so it needs a reason for "
                         "access. " + HOW_TO_GIVE_A_REASON)
    return session_reason


class _ReasonedRequest:
    """The request as the audit trail sees it: everything as is, but the call's reason in ``session``.

    ``governance.audit.record`` reads the reason from ``request.session``; an API call's reason lives
    only for the call, so it is handed over this way rather than written into a stored session.
    """

    def __init__(self, request, reason: Reason | None) -> None:
        self._request = request
        self.session = {SESSION_KEY: asdict(reason)} if reason else {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


def record(request, reason: Reason | None, action, **kwargs: Any):
    return audit.record(_ReasonedRequest(request, reason), action, **kwargs)


def record_view(request, reason: Reason | None, person):
    """``viewed_person``, once per exposure (``governance.audit.record_view_once``)."""
    return audit.record_view_once(_ReasonedRequest(request, reason), person)


def record_many(request, reason: Reason | None, action, people) -> list:
    return audit.record_many(_ReasonedRequest(request, reason), action, people)
