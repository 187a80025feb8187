"""The data-quality report every load produces (SPEC 3.1), kept with the load.

Shares are fractions of the source's person records (0–1). The per-service checklists grow
here; the report is plain JSON so pages, the CLI and the API read the same thing.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from familycontext.sources.loader import ParsedBundle
    from familycontext.sources.models import Snapshot

_HOUSE_NUMBER = re.compile(r"\d|flat|apartment|house|cottage|farm", re.I)
_UK_PHONE = re.compile(r"^(?:\+44|0)\d{9,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _contacts(rows: list[Any]) -> dict[str, float]:
    n = len(rows)
    phones = [re.sub(r"[\s()-]", "", r.values.get("contact_phone", "")) for r in rows]
    emails = [r.values.get("contact_email", "") for r in rows]
    return {
        "with_contact_name": _share(sum(bool(r.values.get("contact_name")) for r in rows), n),
        "with_contact_role": _share(sum(bool(r.values.get("contact_role")) for r in rows), n),
        "with_contact_phone": _share(sum(bool(p) for p in phones), n),
        "valid_uk_phone": _share(sum(bool(_UK_PHONE.match(p)) for p in phones if p), sum(bool(p) for p in phones)),
        "with_contact_email": _share(sum(bool(e) for e in emails), n),
        "valid_email": _share(sum(bool(_EMAIL.match(e)) for e in emails if e), sum(bool(e) for e in emails)),
    }


def _current_share(rows: list[Any], end_field: str) -> dict[str, float]:
    n = len(rows)
    current = sum(r.values.get(end_field) is None for r in rows)
    return {"current": _share(current, n), "historic": _share(n - current, n)}


def quality_report(parsed: ParsedBundle, *, today: date, previous: Snapshot | None) -> dict[str, Any]:
    records = list(parsed.records.values())
    n = len(records)
    genders = Counter(r.get("gender", "Unknown") for r in records)
    addresses = [r.get("address", "") for r in records]
    report: dict[str, Any] = {
        "service": parsed.manifest.service,
        "source_name": parsed.manifest.source_name,
        "records": n,
        "rows_read": parsed.rows_read,
        "rows_rejected": len(parsed.rejected),
        "rejected_by_column": dict(Counter(row.problems[0][0] or "(row)" for _, row, _ in parsed.rejected)),
        "warnings_by_column": dict(Counter(c for _, row in parsed.warnings for c, _ in row.warnings)),
        "identity": {
            "with_first_name": _share(sum(bool(r.get("first_name")) for r in records), n),
            "with_last_name": _share(sum(bool(r.get("last_name")) for r in records), n),
            "with_date_of_birth": _share(sum(r.get("date_of_birth") is not None for r in records), n),
            "with_address": _share(sum(bool(a) for a in addresses), n),
            "with_postcode": _share(sum(bool(r.get("postcode")) for r in records), n),
            "with_gender": _share(n - genders.get("Unknown", 0), n),
            "gender_split": {g: _share(c, n) for g, c in sorted(genders.items())},
            "address_without_house_number_or_street": _share(
                sum(bool(a) and not _HOUSE_NUMBER.search(a) for a in addresses), n
            ),
            "address_without_postcode": _share(sum(bool(a) and not r.get("postcode") for a, r in zip(addresses, records, strict=True)), n),
            "with_nhs_number": _share(sum(bool(r.get("nhs_number")) for r in records), n),
            "duplicate_record_ids": sum(1 for _, row, _ in parsed.rejected for c, reason in row.problems if "already appears" in reason),
            "impossible_dates_of_birth": sum(
                1 for _, row, _ in parsed.rejected for c, reason in row.problems if c == "date_of_birth" and ("future" in reason or "120 years" in reason)
            ),
        },
    }
    rows = parsed.rows
    service = parsed.manifest.service
    if service == "school":
        enrol = rows.get(("school", "enrolments"), [])
        types = Counter(r.values.get("admission_type", "") for r in enrol)
        report["school"] = {
            **_current_share(enrol, "enrolment_end"),
            "with_school_name": _share(sum(bool(r.values.get("school_name")) for r in enrol), len(enrol)),
            "admission_type_split": {t: _share(c, len(enrol)) for t, c in sorted(types.items())},
            "enrolments_per_child": round(len(enrol) / n, 2) if n else 0.0,
            **_contacts(enrol),
        }
    elif service == "housing":
        ten = rows.get(("housing", "tenancies"), [])
        cases = rows.get(("housing", "cases"), [])
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
        report["housing"] = {**_current_share(ten, "tenancy_end"), **_contacts(ten), "cases": by_type}
    elif service == "adult_social_care":
        inv = rows.get(("adult_social_care", "involvements"), [])
        report["adult_social_care"] = {
            **_current_share(inv, "involvement_end"),
            **_contacts(inv),
            "with_involvement_start": _share(sum(r.values.get("involvement_start") is not None for r in inv), len(inv)),
            "with_most_recent_interaction": _share(sum(r.values.get("most_recent_interaction") is not None for r in inv), len(inv)),
            "excluded_planned_or_cancelled": sum(r.values.get("plan_status") in ("planned", "cancelled") for r in inv),
        }
    elif service == "police":
        ppl = rows.get(("police", "people"), [])
        off = rows.get(("police", "offences"), [])
        report["police"] = {
            "with_police_area": _share(sum(bool(r.values.get("police_area")) for r in ppl), len(ppl)),
            **_contacts(ppl),
            "offences": len(off),
        }
    if previous is not None and previous.record_count:
        report["previous_records"] = previous.record_count
        report["change_against_previous"] = round(n / previous.record_count - 1, 4)
    return report
