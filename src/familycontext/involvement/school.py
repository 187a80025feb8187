"""School details (SPEC 4.1): Current / Historic, school name, admission type, contact.

One school is shown, as in the Common Data Model: the current one, else the most recently
left. A dual-registered child (main school plus, say, a pupil referral unit at the same time)
shows only the main registration; the other provision is a conversation for the main school.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from familycontext.involvement.codes import as_date, code_is, text
from familycontext.involvement.contacts import ContactDetails
from familycontext.involvement.periods import ended_within_coverage, is_current, overlaps

CURRENT = "Current"
HISTORIC = "Historic"


@dataclass(frozen=True)
class SchoolDetails:
    involvement: str  # "Current" or "Historic"
    school_name: str
    admission_type: str
    contact: ContactDetails | None


def _is_main(row: Any) -> bool:
    return code_is(getattr(row, "admission_type", ""), "Main provision", "Main")


def visible_enrolments(enrolments: Sequence[Any], *, coverage_start: date | None) -> list[Any]:
    """Enrolments the card may show: current, or ended within coverage, minus non-main
    registrations that overlap a main one (dual registration)."""
    inside = [
        e for e in enrolments
        if ended_within_coverage(as_date(e.enrolment_end), coverage_start)
    ]
    mains = [e for e in inside if _is_main(e)]

    def dual(e: Any) -> bool:
        return not _is_main(e) and any(
            overlaps(as_date(e.enrolment_start), as_date(e.enrolment_end),
                     as_date(m.enrolment_start), as_date(m.enrolment_end))
            for m in mains
        )

    return [e for e in inside if not dual(e)]


def school_details(
    enrolments: Sequence[Any], *, coverage_start: date | None, today: date
) -> SchoolDetails | None:
    """None when no enrolment survives the rules (the card then says "No records found")."""
    shown = visible_enrolments(enrolments, coverage_start=coverage_start)
    if not shown:
        return None

    def rank(e: Any) -> tuple[bool, date, bool, date]:
        end = as_date(e.enrolment_end)
        current = is_current(end, today)
        return (current, end or date.max, _is_main(e), as_date(e.enrolment_start) or date.min)

    best = max(shown, key=rank)
    return SchoolDetails(
        involvement=CURRENT if is_current(as_date(best.enrolment_end), today) else HISTORIC,
        school_name=text(best.school_name),
        admission_type=text(best.admission_type),
        contact=ContactDetails.from_row(best),
    )
