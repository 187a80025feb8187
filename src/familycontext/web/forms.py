"""Form checking in GOV.UK style: one message per field, in page order, each linked from the
error summary to the field's first input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from familycontext.governance.reason import Reason
from familycontext.governance.reason import problems as reason_problems
from familycontext.people.search import clean_name


@dataclass
class FormErrors:
    """Field id (the id of the input to focus) -> message, in the order the fields appear."""

    messages: dict[str, str] = field(default_factory=dict)

    def add(self, field_id: str, message: str) -> None:
        self.messages.setdefault(field_id, message)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def get(self, field_id: str) -> dict[str, str] | None:
        """The ``errorMessage`` parameter of a GOV.UK macro, or None."""
        message = self.messages.get(field_id)
        return {"text": message} if message else None

    @property
    def summary(self) -> list[dict[str, str]]:
        return [{"text": m, "href": f"#{f}"} for f, m in self.messages.items()]


def parse_date(data, prefix: str, label: str, errors: FormErrors, *, required: bool = False,
               today: date | None = None) -> tuple[date | None, dict[str, str], set[str]]:
    """Read a GOV.UK date input (``prefix-day``, ``-month``, ``-year``).

    Returns the date (or None), the raw values, and which parts are in error (for red borders).
    """
    raw = {part: (data.get(f"{prefix}-{part}") or "").strip() for part in ("day", "month", "year")}
    first_id = f"{prefix}-day"
    if not any(raw.values()):
        if required:
            errors.add(first_id, f"Enter {label.lower()}")
            return None, raw, {"day", "month", "year"}
        return None, raw, set()
    missing = [p for p in ("day", "month", "year") if not raw[p]]
    if missing:
        errors.add(f"{prefix}-{missing[0]}", f"{label} must include a {' and '.join(missing)}")
        return None, raw, set(missing)
    bad = [p for p in ("day", "month", "year") if not raw[p].isdigit()]
    if bad:
        errors.add(f"{prefix}-{bad[0]}", f"{label} must be a real date")
        return None, raw, set(bad)
    if len(raw["year"]) != 4:
        errors.add(f"{prefix}-year", "Year must include 4 numbers")
        return None, raw, {"year"}
    try:
        value = date(int(raw["year"]), int(raw["month"]), int(raw["day"]))
    except ValueError:
        errors.add(first_id, f"{label} must be a real date")
        return None, raw, {"day", "month", "year"}
    if today is not None and value > today:
        errors.add(first_id, f"{label} must be today or in the past")
        return None, raw, {"day", "month", "year"}
    return value, raw, set()


@dataclass
class NameSearch:
    first_name: str
    last_name: str
    date_of_birth: date | None
    dob_raw: dict[str, str]
    dob_parts_in_error: set[str]
    errors: FormErrors

    @classmethod
    def from_post(cls, data, today: date) -> NameSearch:
        errors = FormErrors()
        first = (data.get("first-name") or "").strip()
        last = (data.get("last-name") or "").strip()
        for field_id, value in (("first-name", first), ("last-name", last)):
            if len(value) > 100:
                errors.add(field_id, "Name must be 100 characters or fewer")
        dob, raw, parts = parse_date(data, "date-of-birth", "Date of birth", errors, today=today)
        # Both names, or one name with a date of birth; a date of birth alone would list a cohort.
        if not clean_name(first) and not clean_name(last):
            errors.add("first-name", "Enter a first name")
            errors.add("last-name", "Enter a family name")
        elif not (clean_name(first) and clean_name(last)) and dob is None and not parts:
            if clean_name(first):
                errors.add("last-name", "Enter a family name, or a date of birth to search by first name only")
            else:
                errors.add("first-name", "Enter a first name, or a date of birth to search by family name only")
        return cls(first, last, dob, raw, parts, errors)

    @property
    def dob_error(self) -> str | None:
        """The date of birth's message, whichever part of the date it is attached to."""
        for field_id, message in self.errors.messages.items():
            if field_id.startswith("date-of-birth-"):
                return message
        return None

    @property
    def terms(self) -> dict[str, str]:
        terms = {"first_name": self.first_name, "last_name": self.last_name}
        if self.date_of_birth:
            terms["date_of_birth"] = self.date_of_birth.isoformat()
        return terms


@dataclass
class CmsSearch:
    cms_id: str
    errors: FormErrors

    @classmethod
    def from_post(cls, data) -> CmsSearch:
        errors = FormErrors()
        cms_id = (data.get("cms-id") or "").strip()
        if not cms_id:
            errors.add("cms-id", "Enter a case management system ID")
        elif len(cms_id) > 100:
            errors.add("cms-id", "Case management system ID must be 100 characters or fewer")
        return cls(cms_id, errors)


@dataclass
class ReasonForm:
    cms_id: str
    type: str
    text: str
    errors: FormErrors

    @classmethod
    def from_post(cls, data) -> ReasonForm:
        errors = FormErrors()
        cms_id = (data.get("reason-cms-id") or "").strip()
        kind = (data.get("reason-type") or "").strip()
        text = (data.get("reason-other") or "").strip()
        found = reason_problems(cms_id, kind, text)
        for name, field_id in (("cms_id", "reason-cms-id"), ("type", "reason-type"), ("text", "reason-other")):
            if name in found:
                errors.add(field_id, found[name])
        return cls(cms_id, kind, text if kind == "other" else "", errors)

    @classmethod
    def from_reason(cls, reason: Reason | None, last_child: str = "") -> ReasonForm:
        """The form filled in with the current reason; the CMS id is the child opened last, if any."""
        if reason is None:
            return cls(last_child, "", "", FormErrors())
        return cls(last_child or reason.cms_id, reason.type, reason.text, FormErrors())

    def to_reason(self) -> Reason:
        return Reason(cms_id=self.cms_id, type=self.type, text=self.text)
