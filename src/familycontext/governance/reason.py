"""The reason for access (SPEC 8): stated before the first person view, kept in the session."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings

from familycontext.sources.live import live_snapshots
from familycontext.sources.models import SourceRecord
from familycontext.sources.services import CMS

SESSION_KEY = "reason_for_access"

REASON_TYPES: dict[str, str] = {
    "section_47": "Section 47 enquiry",
    "section_17": "Section 17 child in need assessment",
    "other": "Other",
}


@dataclass(frozen=True)
class Reason:
    """The child whose assessment this is, the type of work, and free text for 'other'."""

    cms_id: str
    type: str
    text: str = ""

    @property
    def type_label(self) -> str:
        return REASON_TYPES.get(self.type, self.type)

    @property
    def summary(self) -> str:
        label = self.text if self.type == "other" and self.text else self.type_label
        return f"{label} for child {self.cms_id}"


def current_reason(request) -> Reason | None:
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    return Reason(**data)


def set_reason(request, reason: Reason) -> None:
    request.session[SESSION_KEY] = asdict(reason)


# --- checking a reason (issue 16) -----------------------------------------------------------------

CMS_ID_MAX = 100
TEXT_MAX = 500
LAST_CHILD_KEY = "last_child_cms_id"


def known_child(cms_id: str) -> bool:
    """Does the live case management system snapshot hold a record with this case id?"""
    live = [s.id for s in live_snapshots() if s.source.service == CMS]
    return bool(live) and SourceRecord.objects.filter(snapshot_id__in=live, record_id=cms_id).exists()


def other_min_length() -> int:
    return settings.CONFIG.reason.other_min_length


def problems(cms_id: str, kind: str, text: str) -> dict[str, str]:
    """What is wrong with a reason, field by field ("cms_id", "type", "text"), in words for the
    person who gave it; empty when it is accepted. The same rules for the web form and the API."""
    found: dict[str, str] = {}
    if "\x00" in cms_id + kind + text:  # PostgreSQL cannot store or look up a NUL in text
        return {"cms_id" if "\x00" in cms_id else "text": "Must not contain a NUL character"}
    if not cms_id:
        found["cms_id"] = "Enter the case management system ID of the child"
    elif len(cms_id) > CMS_ID_MAX:
        found["cms_id"] = f"Case management system ID must be {CMS_ID_MAX} characters or fewer"
    elif not known_child(cms_id):
        found["cms_id"] = (f"Case management system ID {cms_id[:40]} is not a child in the case management "
                           "system: check the ID of the child whose assessment this is")
    if kind not in REASON_TYPES:
        found["type"] = "Select the type of work"
    elif kind == "other":
        if len(text) < other_min_length():
            found["text"] = f"Describe the work in {other_min_length()} characters or more"
        elif len(text) > TEXT_MAX:
            found["text"] = f"Description must be {TEXT_MAX} characters or fewer"
    return found


def remember_child(request, cms_id: str) -> None:
    """The child whose page was opened last: the reason form offers their CMS id next time."""
    if cms_id and request.session.get(LAST_CHILD_KEY) != cms_id:
        request.session[LAST_CHILD_KEY] = cms_id


def last_child(request) -> str:
    return request.session.get(LAST_CHILD_KEY, "") if hasattr(request, "session") else ""


def asked_before_search() -> bool:
    return settings.CONFIG.reason.asked_before == "search"
