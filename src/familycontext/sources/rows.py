"""Validation of one row of one file into the clean values the models store (SPEC 3).

Hard problems (a missing id, an unreadable date of an involvement) send the row to quarantine.
Soft problems (an NHS number whose check digit is wrong, an impossible date of birth such as
1906-02-29) blank that field and are counted in the data-quality report, so a person is not lost
over one value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from familycontext.sources import fields as f
from familycontext.sources.fields import FieldProblem
from familycontext.sources.services import FileSpec

ADMISSION_TYPES = {
    "main provision": "Main provision", "main": "Main provision",
    "secondary provision": "Secondary provision", "secondary": "Secondary provision", "dual": "Secondary provision",
    "off site provision": "Off site provision", "offsite provision": "Off site provision", "off site": "Off site provision",
}
CASE_TYPES = {
    "anti social behaviour": "anti_social_behaviour", "asb": "anti_social_behaviour",
    "rent arrears": "rent_arrears", "notice seeking possession": "notice_seeking_possession",
    "nosp": "notice_seeking_possession", "eviction": "eviction",
}
CASE_ROLES = {"perpetrator": "perpetrator", "victim": "victim"}
PLAN_STATUSES = {"active": "active", "ended": "ended", "planned": "planned", "cancelled": "cancelled", "canceled": "cancelled"}
INVOLVEMENT = {"convicted": "Convicted", "offender": "Convicted", "suspect": "Suspect"}


# A value a spreadsheet would run as a formula when a data manager opens an export (CSV injection):
# anything starting "=" or "@", or "+"/"-" unless the rest is a plain number or phone number (+44 ...).
_FORMULA_START = re.compile(r"^[\s\x00]*[=@+-]")
_PLAIN_NUMBER = re.compile(r"^\s*[+-][\d\s().-]*$")


def looks_like_formula(value: str) -> bool:
    return bool(_FORMULA_START.match(value)) and not _PLAIN_NUMBER.match(value)


@dataclass
class CheckedRow:
    row_number: int
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, reason): quarantine
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (column, reason): counted only

    @property
    def ok(self) -> bool:
        return not self.problems


def _identity(raw: dict[str, str], row: CheckedRow, today: date) -> None:
    v = row.values
    _try(row, "first_name", f.text, raw)
    _try(row, "last_name", f.text, raw)
    _try(row, "other_names", lambda s: f.text(s, 500), raw)
    _try(row, "address", lambda s: f.text(s, 500), raw)
    if not v.get("first_name") and not v.get("last_name") and not row.problems:
        row.problems.append(("first_name", "the person has neither a first name nor a family name"))
    try:  # an impossible date of birth loses the date, never the person (counted in the report)
        v["date_of_birth"] = f.date_of_birth(raw.get("date_of_birth", ""), today)
    except FieldProblem as exc:
        row.warnings.append(("date_of_birth", f"{exc}; left blank"))
        v["date_of_birth"] = None
    _try(row, "gender", f.gender, raw)
    try:
        v["postcode"] = f.postcode(raw.get("postcode", ""))
    except FieldProblem as exc:
        row.warnings.append(("postcode", str(exc)))
        v["postcode"] = ""
    try:
        v["nhs_number"] = f.nhs_number(raw.get("nhs_number", ""))
    except FieldProblem as exc:
        row.warnings.append(("nhs_number", str(exc)))
        v["nhs_number"] = ""
    if "restricted" in raw:
        v["restricted"] = f.flag(raw["restricted"])


def _try(row: CheckedRow, column: str, parse, raw: dict[str, str]) -> None:
    try:
        row.values[column] = parse(raw.get(column, ""))
    except FieldProblem as exc:
        row.problems.append((column, str(exc)))


def _contact(raw: dict[str, str], row: CheckedRow) -> None:
    for column in ("contact_name", "contact_role", "contact_phone", "contact_email"):
        _try(row, column, lambda s, n=(50 if column == "contact_phone" else 200): f.text(s, n), raw)


def _service_values(spec: FileSpec, raw: dict[str, str], row: CheckedRow) -> None:
    t = lambda n=200: (lambda s: f.text(s, n))  # noqa: E731
    key = (spec.service, spec.name)
    if key == ("cms", "relationships"):
        _try(row, "related_record_id", t(100), raw)
        _try(row, "relationship", t(100), raw)
        if not row.values.get("related_record_id"):
            row.problems.append(("related_record_id", "is blank but required"))
        if not row.values.get("relationship"):
            row.problems.append(("relationship", "is blank but required"))
    elif key == ("school", "enrolments"):
        _try(row, "school_name", t(), raw)
        _try(row, "admission_type", lambda s: f.choice(s, ADMISSION_TYPES, blank="Main provision"), raw)
        _try(row, "enrolment_start", f.iso_date, raw)
        _try(row, "enrolment_end", f.iso_date, raw)
        _contact(raw, row)
    elif key == ("housing", "tenancies"):
        _try(row, "housing_association", t(), raw)
        _try(row, "tenancy_start", f.iso_date, raw)
        _try(row, "tenancy_end", f.iso_date, raw)
        _contact(raw, row)
    elif key == ("housing", "cases"):
        _try(row, "case_type", lambda s: f.choice(s, CASE_TYPES), raw)
        _try(row, "opened", f.required_date, raw)
        _try(row, "closed", f.iso_date, raw)
        _try(row, "arrears_weeks", f.decimal, raw)
        _try(row, "role", lambda s: f.choice(s, CASE_ROLES, blank=""), raw)
    elif key == ("adult_social_care", "involvements"):
        _try(row, "local_authority_organisation", t(), raw)
        _try(row, "involvement_start", f.iso_date, raw)
        _try(row, "involvement_end", f.iso_date, raw)
        _try(row, "most_recent_interaction", f.iso_date, raw)
        _try(row, "plan_status", lambda s: f.choice(s, PLAN_STATUSES, blank="active"), raw)
        _contact(raw, row)
    elif key == ("police", "people"):
        _try(row, "police_area", t(), raw)
        _contact(raw, row)
    elif key == ("police", "offences"):
        _try(row, "offence_date", f.required_date, raw)
        _try(row, "offence_type", t(), raw)
        _try(row, "nature_of_involvement", lambda s: f.choice(s, INVOLVEMENT), raw)
        if not row.values.get("offence_type") and not any(c == "offence_type" for c, _ in row.problems):
            row.problems.append(("offence_type", "is blank but required"))


def check_row(spec: FileSpec, row_number: int, raw: dict[str, str], today: date) -> CheckedRow:
    """Validate one row; never raises for bad data (problems are collected on the result)."""
    row = CheckedRow(row_number)
    for column, value in raw.items():
        if value and looks_like_formula(value):
            row.problems.append((column, f"starts like a spreadsheet formula ({value.strip()[:20]!r}...); "
                                         "not accepted, so it cannot run when someone opens an export"))
    if row.problems:
        return row
    record_id = raw.get("record_id", "").strip()
    row.values["record_id"] = record_id
    if not record_id:
        row.problems.append(("record_id", "is blank but required"))
    elif len(record_id) > 100:
        row.problems.append(("record_id", "longer than 100 characters"))
    try:
        if spec.person_bearing:
            _identity(raw, row, today)
        _service_values(spec, raw, row)
    except FieldProblem as exc:  # a plain-text field over its length
        row.problems.append(("", str(exc)))
    return row
