"""The data-quality report (SPEC 3.1) in plain words, for the data manager's load page.

``sources.quality`` keeps the report as plain JSON of shares (0–1) and counts. Here each key gets
a sentence-case label and each value a reading: shares as percentages, averages as numbers,
splits as "Female 48.0%, Male 51.0%". Keys added to the report later still show, named from
the key, so nothing the loader measures is hidden from the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LABELS: dict[str, str] = {
    # load
    "records": "People (records) in this load",
    "rows_read": "Rows read",
    "rows_rejected": "Rows rejected and quarantined",
    "rejected_share": "Share of rows rejected",
    "rejected_by_column": "Rows rejected, by column",
    "warnings_by_column": "Values with a warning, by column",
    "rows_skipped_by_mapping": "Rows skipped by the column mapping",
    "mapping": "Column mapping used",
    "files": "Files read",
    "mapping_notes": "Notes from the column mapping",
    "previous_records": "People in the snapshot that was live before",
    "change_against_previous": "Change in people against that snapshot",
    # identity
    "nhs_numbers_refused": "NHS numbers refused and blanked (wrong check digit, or a placeholder like 0000000000)",
    "with_first_name": "Records with a first name",
    "with_last_name": "Records with a family name",
    "with_date_of_birth": "Records with a date of birth",
    "with_address": "Records with an address",
    "with_postcode": "Records with a postcode",
    "with_gender": "Records with a gender (not Unknown)",
    "gender_split": "Records by gender",
    "address_without_house_number": "Addresses without a house number or name",
    "address_without_street": "Addresses without a street",
    "address_without_house_number_or_street": "Addresses lacking a house number or street",
    "address_without_postcode": "Addresses without a postcode",
    "with_nhs_number": "Records with a valid NHS number",
    "duplicate_record_ids": "Rows rejected for a duplicate record ID",
    "impossible_dates_of_birth": "Impossible dates of birth blanked, records kept (unreadable, future, or over 120 years ago)",
    "impossible_dates_of_birth_first_rows": "First impossible dates of birth blanked",
    "dates_of_birth_over_100_years_ago": "Dates of birth over 100 years ago",
    # shared by services
    "current": "People with a current involvement",
    "historic": "People whose involvements have all ended",
    "none": "People with no involvement rows",
    "with_contact_name": "Rows with a contact name",
    "with_contact_role": "Rows with a contact role",
    "with_contact_name_and_role": "Rows with a contact name and role",
    "with_contact_phone": "Rows with a contact phone number",
    "valid_uk_phone": "Phone numbers that are valid UK numbers (10 or 11 digits)",
    "with_contact_email": "Rows with a contact email address",
    "valid_email": "Email addresses in a valid format",
    # school
    "enrolments": "Enrolment rows",
    "average_current_schools_per_child": "Average current schools per child",
    "average_historic_schools_per_child": "Average historic schools per child",
    "with_school_name": "Enrolments with a school name",
    "with_admission_type": "Enrolments with an admission type",
    "admission_type_split": "Enrolments by admission type",
    # housing
    "with_housing_association": "Tenancies with a housing association",
    "with_tenancy_start": "Tenancies with a start date",
    "cases": "Housing cases",
    # adult social care
    "with_local_authority_organisation": "Involvements with a local authority organisation",
    "with_involvement_start": "Involvements with a start date",
    "with_most_recent_interaction": "Involvements with a date of most recent interaction",
    "excluded_planned_or_cancelled": "Involvements not shown because the plan is planned or cancelled",
    # police
    "with_police_area": "People with a police area",
    "offences": "Offence rows",
    "safeguarding_offences": "Safeguarding offences",
    "non_safeguarding_offences": "Non-safeguarding offences",
    "people_with_safeguarding_offences_in_window": "People with safeguarding offences in the shown windows",
    "offences_of_types_outside_both_lists": "Offences of a type outside both lists (counted, never shown)",
    "distinct_types_outside_both_lists": "Different offence types outside both lists",
    "offences_per_person": "Average offences per person",
    # cms
    "relationships": "Relationship rows",
    "people_with_a_relationship": "People with at least one relationship",
    "restricted": "Restricted records (for example adoption or refuge)",
}
SECTIONS: dict[str, str] = {
    "identity": "Identity fields",
    "school": "School",
    "housing": "Housing",
    "adult_social_care": "Adult Social Care",
    "police": "Police",
    "cms": "Children's social care",
}
CASE_TYPES = {
    "anti_social_behaviour": "Anti-social behaviour",
    "rent_arrears": "Rent arrears",
    "notice_seeking_possession": "Notice seeking possession",
    "eviction": "Eviction",
}
_LOAD_KEYS = ("records", "rows_read", "rows_rejected", "rejected_share", "rejected_by_column",
              "warnings_by_column", "rows_skipped_by_mapping", "mapping", "files", "mapping_notes",
              "previous_records", "change_against_previous")
_NOT_SHARES = ("average", "offences_per", "cases_per", "change", "distinct", "duplicate", "impossible")


def label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def percent(value: float) -> str:
    """0.4812 -> '48.1%'; whole shares without a decimal ('100%', '0%')."""
    text = f"{value * 100:.1f}"
    return f"{text[:-2] if text.endswith('.0') else text}%"


def reading(value: Any, key: str = "") -> str:
    """One value in words: shares as percentages, counts with thousands separators."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if key.startswith("change"):
            return ("up " if value > 0 else "down " if value < 0 else "") + percent(abs(value))
        if not key.startswith(_NOT_SHARES) and 0.0 <= value <= 1.0:
            return percent(value)
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict):
        if not value:
            return "None"
        return ", ".join(f"{k or '(blank)'}: {reading(v, key)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "None"
    return str(value) if value not in (None, "") else "None"


@dataclass(frozen=True)
class Row:
    label: str
    value: str

    @property
    def summary(self) -> dict[str, dict[str, str]]:
        """As a row of the GOV.UK summary list macro."""
        return {"key": {"text": self.label}, "value": {"text": self.value}}


@dataclass(frozen=True)
class Section:
    heading: str
    rows: list[Row]
    cases: list[dict[str, str]]  # housing: one row per case type


def _rows(values: dict[str, Any], skip: tuple[str, ...] = ()) -> list[Row]:
    return [Row(label(k), reading(v, k)) for k, v in values.items() if k not in skip]


def _files(files: dict[str, Any]) -> str:
    """'people.csv (UTF-8, comma)': each file with what the reader detected, when it says."""
    return ", ".join(f"{name} ({detected})" if detected else str(name) for name, detected in files.items())


def load_rows(report: dict[str, Any]) -> list[Row]:
    """The load-level figures, in checklist order, skipping empty ones."""
    return [Row(label(k), _files(report[k]) if k == "files" and isinstance(report[k], dict) else reading(report[k], k))
            for k in _LOAD_KEYS if k in report and report[k] not in ({}, [], "", None)]


def sections(report: dict[str, Any]) -> list[Section]:
    """The identity checklist, then the service's own, each as labelled rows."""
    out = []
    for key, heading in SECTIONS.items():
        values = report.get(key)
        if not isinstance(values, dict):
            continue
        cases = []
        if isinstance(values.get("cases"), dict):
            for case_type, shares in values["cases"].items():
                shares = shares if isinstance(shares, dict) else {}
                cases.append({"type": CASE_TYPES.get(case_type, case_type.replace("_", " ").capitalize()),
                              "open": reading(shares.get("open", 0.0), "open"),
                              "closed": reading(shares.get("closed", 0.0), "closed"),
                              "none": reading(shares.get("none", 0.0), "none"),
                              "per_person": reading(shares.get("cases_per_person", 0.0), "cases_per_person")})
        out.append(Section(heading, _rows(values, skip=("cases",)), cases))
    return out


def drop_warning(report: dict[str, Any], max_drop: float) -> str | None:
    """The SPEC 3.1 warning when the number of people fell beyond the threshold, else None."""
    change = report.get("change_against_previous")
    previous = report.get("previous_records")
    if not isinstance(change, int | float) or change >= 0 or -change <= max_drop:
        return None
    return (f"This load has {report.get('records', 0):,} people against {previous:,} in the snapshot that was "
            f"live before: a drop of {percent(-change)}, more than the {percent(max_drop)} allowed. Check the "
            "extract is complete before accepting it.")
