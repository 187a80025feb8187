"""The data-quality report every load produces (SPEC 3.1), kept with the load.

Shares are fractions (0–1) of the source's person records unless the key says otherwise. The
report is plain JSON so the data manager's page, the CLI and the API read the same thing. It
never holds a person's data or a free-text value from the extract: offence types outside both
configured lists are counted, never named, because an unknown type may itself be sensitive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

from familycontext.identity import addresses as addresses_rule
from familycontext.identity import contact, nhs

if TYPE_CHECKING:
    from familycontext.config import Configuration
    from familycontext.sources.models import Snapshot
    from familycontext.sources.parsed import ParsedBundle


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _mean(count: int, total: int) -> float:
    return round(count / total, 2) if total else 0.0


def _contacts(rows: list[Any]) -> dict[str, float]:
    n = len(rows)
    phones = [(r.values.get("contact_phone") or "").strip() for r in rows]
    emails = [r.values.get("contact_email", "") for r in rows]
    return {
        "with_contact_name": _share(sum(bool(r.values.get("contact_name")) for r in rows), n),
        "with_contact_role": _share(sum(bool(r.values.get("contact_role")) for r in rows), n),
        "with_contact_name_and_role": _share(
            sum(bool(r.values.get("contact_name")) and bool(r.values.get("contact_role")) for r in rows), n
        ),
        "with_contact_phone": _share(sum(bool(p) for p in phones), n),
        # The card's tel: link follows the same rule (identity.contact).
        "valid_uk_phone": _share(sum(contact.is_uk_phone(p) for p in phones if p), sum(bool(p) for p in phones)),
        "with_contact_email": _share(sum(bool(e) for e in emails), n),
        "valid_email": _share(sum(contact.is_email(e) for e in emails if e), sum(bool(e) for e in emails)),
    }


def _is_current(end: date | None, today: date) -> bool:
    return end is None or end > today


def _per_person_current(rows: list[Any], end_field: str, today: date, n: int) -> dict[str, float]:
    """Share of people with a current involvement, and of people whose involvements are all historic."""
    by_person: dict[str, list[date | None]] = defaultdict(list)
    for r in rows:
        by_person[r.values["record_id"]].append(r.values.get(end_field))
    current = sum(any(_is_current(e, today) for e in ends) for ends in by_person.values())
    return {"current": _share(current, n), "historic": _share(len(by_person) - current, n),
            "none": _share(n - len(by_person), n)}


def _offence_key(text: str) -> str:
    return " ".join(text.replace("–", "-").replace("—", "-").casefold().split())


def _police(parsed: ParsedBundle, n: int, today: date, config: Configuration) -> dict[str, Any]:
    people = parsed.rows.get(("police", "people"), [])
    offences = parsed.rows.get(("police", "offences"), [])
    police = config.police
    safeguarding = {_offence_key(t) for t in police.safeguarding_offence_types}
    other = {_offence_key(t) for t in police.non_safeguarding_offence_types}
    # Same calendar-month windows as the police card (involvement.periods), computed here because
    # sources sits below involvement in the layers.
    conviction_from = today - relativedelta(months=police.safeguarding_conviction_months)
    suspect_from = today - relativedelta(months=police.safeguarding_suspect_months)
    in_window: Counter[str] = Counter()
    outside = 0
    outside_types: set[str] = set()
    kinds: Counter[str] = Counter()
    for o in offences:
        kind = _offence_key(o.values.get("offence_type", ""))
        if kind in safeguarding:
            kinds["safeguarding"] += 1
            start = conviction_from if o.values.get("nature_of_involvement") == "Convicted" else suspect_from
            when = o.values.get("offence_date")
            if when is not None and start <= when <= today:
                in_window[o.values["record_id"]] += 1
        elif kind in other:
            kinds["non_safeguarding"] += 1
        else:
            outside += 1
            outside_types.add(kind)
    counts = Counter(min(c, 3) for c in in_window.values())
    return {
        "with_police_area": _share(sum(bool(r.values.get("police_area")) for r in people), len(people)),
        **_contacts(people),
        "offences": len(offences),
        "safeguarding_offences": kinds["safeguarding"],
        "non_safeguarding_offences": kinds["non_safeguarding"],
        "people_with_safeguarding_offences_in_window": {
            "1": _share(counts[1], n), "2": _share(counts[2], n), "3+": _share(counts[3], n),
        },
        # Counted, never named: the type itself may be sensitive and is never shown (SPEC 4.4).
        "offences_of_types_outside_both_lists": outside,
        "distinct_types_outside_both_lists": len(outside_types),
        "offences_per_person": _mean(len(offences), n),
    }


def _school(parsed: ParsedBundle, n: int, today: date) -> dict[str, Any]:
    enrol = parsed.rows.get(("school", "enrolments"), [])
    types = Counter(r.values.get("admission_type", "") for r in enrol)
    current_schools: dict[str, set[str]] = defaultdict(set)
    historic_schools: dict[str, set[str]] = defaultdict(set)
    for r in enrol:
        target = current_schools if _is_current(r.values.get("enrolment_end"), today) else historic_schools
        target[r.values["record_id"]].add(r.values.get("school_name", "").casefold())
    return {
        **_per_person_current(enrol, "enrolment_end", today, n),
        "enrolments": len(enrol),
        "average_current_schools_per_child": _mean(sum(len(s) for s in current_schools.values()), n),
        "average_historic_schools_per_child": _mean(sum(len(s) for s in historic_schools.values()), n),
        "with_school_name": _share(sum(bool(r.values.get("school_name")) for r in enrol), len(enrol)),
        "with_admission_type": _share(sum(bool(r.values.get("admission_type")) for r in enrol), len(enrol)),
        "admission_type_split": {t: _share(c, len(enrol)) for t, c in sorted(types.items())},
        **_contacts(enrol),
    }


def _housing(parsed: ParsedBundle, n: int, today: date) -> dict[str, Any]:
    ten = parsed.rows.get(("housing", "tenancies"), [])
    cases = parsed.rows.get(("housing", "cases"), [])
    by_type: dict[str, Any] = {}
    for case_type in ("anti_social_behaviour", "rent_arrears", "notice_seeking_possession", "eviction"):
        of_type = [c for c in cases if c.values["case_type"] == case_type]
        people = {c.values["record_id"] for c in of_type}
        open_people = {c.values["record_id"] for c in of_type if c.values.get("closed") is None}
        by_type[case_type] = {
            "open": _share(len(open_people), n),
            "closed": _share(len(people - open_people), n),
            "none": _share(n - len(people), n),
            "cases_per_person": round(len(of_type) / n, 3) if n else 0.0,
        }
    return {
        **_per_person_current(ten, "tenancy_end", today, n),
        "with_housing_association": _share(sum(bool(r.values.get("housing_association")) for r in ten), len(ten)),
        "with_tenancy_start": _share(sum(r.values.get("tenancy_start") is not None for r in ten), len(ten)),
        **_contacts(ten),
        "cases": by_type,
    }


def _adult_social_care(parsed: ParsedBundle, n: int, today: date) -> dict[str, Any]:
    inv = parsed.rows.get(("adult_social_care", "involvements"), [])
    shown = [r for r in inv if r.values.get("plan_status") not in ("planned", "cancelled")]
    return {
        **_per_person_current(shown, "involvement_end", today, n),
        **_contacts(inv),
        "with_local_authority_organisation": _share(
            sum(bool(r.values.get("local_authority_organisation")) for r in inv), len(inv)
        ),
        "with_involvement_start": _share(sum(r.values.get("involvement_start") is not None for r in inv), len(inv)),
        "with_most_recent_interaction": _share(
            sum(r.values.get("most_recent_interaction") is not None for r in inv), len(inv)
        ),
        "excluded_planned_or_cancelled": sum(r.values.get("plan_status") in ("planned", "cancelled") for r in inv),
    }


def _nhs_refused(parsed: ParsedBundle) -> dict[str, int]:
    """NHS numbers the loader blanked, by reason (identity.nhs): never the numbers themselves."""
    reasons = [text for _, row in parsed.warnings for column, text in row.warnings if column == "nhs_number"]
    placeholders = sum(nhs.PLACEHOLDER in text for text in reasons)
    return {"check_digit": len(reasons) - placeholders, "placeholder": placeholders}


def _identity(parsed: ParsedBundle, today: date) -> dict[str, Any]:
    records = list(parsed.records.values())
    n = len(records)
    genders = Counter(r.get("gender", "Unknown") for r in records)
    addresses = [r.get("address", "") for r in records]
    problems = [(c, reason) for item in parsed.rejected for c, reason in item.row.problems]
    blanked_dobs = [
        (file, row, reason)
        for file, row in parsed.warnings
        for c, reason in row.warnings
        if c == "date_of_birth"
    ]
    return {
        "with_first_name": _share(sum(bool(r.get("first_name")) for r in records), n),
        "with_last_name": _share(sum(bool(r.get("last_name")) for r in records), n),
        "with_date_of_birth": _share(sum(r.get("date_of_birth") is not None for r in records), n),
        "with_address": _share(sum(bool(a) for a in addresses), n),
        "with_postcode": _share(sum(bool(r.get("postcode")) for r in records), n),
        "with_gender": _share(n - genders.get("Unknown", 0), n),
        "gender_split": {g: _share(c, n) for g, c in sorted(genders.items())},
        "address_without_house_number": _share(sum(bool(a) and not addresses_rule.has_house_number(a) for a in addresses), n),
        "address_without_street": _share(sum(bool(a) and not addresses_rule.has_street(a) for a in addresses), n),
        "address_without_house_number_or_street": _share(
            sum(bool(a) and not (addresses_rule.has_house_number(a) and addresses_rule.has_street(a))
            for a in addresses), n
        ),
        "address_without_postcode": _share(
            sum(bool(a) and not r.get("postcode") for a, r in zip(addresses, records, strict=True)), n
        ),
        "with_nhs_number": _share(sum(bool(r.get("nhs_number")) for r in records), n),
        "nhs_numbers_refused": _nhs_refused(parsed),
        "duplicate_record_ids": sum(1 for _, reason in problems if "already appears" in reason),
        # Unreadable (1906-02-29, 1938-11-31, OCR letters), future or over 120 years ago: blanked, row kept.
        "impossible_dates_of_birth": len(blanked_dobs),
        "impossible_dates_of_birth_first_rows": [
            f"{file} row {row.row_number}: {reason}" for file, row, reason in blanked_dobs[:5]
        ],
        "dates_of_birth_over_100_years_ago": sum(
            1 for r in records if (d := r.get("date_of_birth")) is not None and d.year < today.year - 100
        ),
    }


def quality_report(parsed: ParsedBundle, *, today: date, previous: Snapshot | None,
                   config: Configuration | None = None) -> dict[str, Any]:
    """Answer the SPEC 3.1 checklist for one parsed load (before or without writing it)."""
    if config is None:
        from familycontext.config import current  # noqa: PLC0415

        config = current()
    n = len(parsed.records)
    report: dict[str, Any] = {
        "service": parsed.manifest.service,
        "source": parsed.manifest.source_key,
        "source_name": parsed.manifest.source_name,
        "date_current_as_of": parsed.manifest.date_current_as_of.isoformat(),
        "mapping": parsed.mapping,
        "files": {name: parsed.detected.get(name, "") for name in parsed.files},
        "records": n,
        "rows_read": parsed.rows_read,
        "rows_rejected": len(parsed.rejected),
        "rejected_share": round(parsed.rejected_share, 4),
        "rejected_by_column": dict(Counter(item.label(item.row.problems[0][0]) or "(row)" for item in parsed.rejected)),
        "warnings_by_column": dict(Counter(c for _, row in parsed.warnings for c, _ in row.warnings)),
        "rows_skipped_by_mapping": dict(parsed.skipped),
        "mapping_notes": list(parsed.notes),
        "identity": _identity(parsed, today),
    }
    service = parsed.manifest.service
    if service == "school":
        report["school"] = _school(parsed, n, today)
    elif service == "housing":
        report["housing"] = _housing(parsed, n, today)
    elif service == "adult_social_care":
        report["adult_social_care"] = _adult_social_care(parsed, n, today)
    elif service == "police":
        report["police"] = _police(parsed, n, today, config)
    elif service == "cms":
        rels = parsed.rows.get(("cms", "relationships"), [])
        report["cms"] = {
            "relationships": len(rels),
            "people_with_a_relationship": _share(len({r.values["record_id"] for r in rels}), n),
            "restricted": sum(bool(r.get("restricted")) for r in parsed.records.values()),
        }
    if previous is not None and previous.record_count:
        report["previous_records"] = previous.record_count
        report["change_against_previous"] = round(n / previous.record_count - 1, 4)
    return report
