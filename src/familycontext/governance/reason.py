"""The reason for access (SPEC 8): stated before the first person view, kept in the session."""

from __future__ import annotations

from dataclasses import asdict, dataclass

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
