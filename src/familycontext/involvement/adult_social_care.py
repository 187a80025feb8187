"""Adult Social Care details (SPEC 4.3): Current / Historic, organisation, contact, start of the
last involvement, most recent interaction.

Involvements only planned or cancelled never happened, so they are not shown and do not make
"Records found": telling a social worker a parent is known to ASC on that basis would mislead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from familycontext.involvement.codes import as_date, code_is, text
from familycontext.involvement.contacts import ContactDetails
from familycontext.involvement.periods import ended_within_coverage, is_current

CURRENT = "Current"
HISTORIC = "Historic"
HIDDEN_PLAN_STATUSES = ("planned", "cancelled", "canceled")


@dataclass(frozen=True)
class AscDetails:
    involvement: str  # "Current" or "Historic"
    local_authority_organisation: str
    contact: ContactDetails | None
    start_of_last_involvement: date | None
    most_recent_interaction: date | None


def visible_involvements(
    involvements: Sequence[Any], *, coverage_start: date | None
) -> list[Any]:
    """Drop planned/cancelled plans and historic involvements that ended before coverage start."""
    return [
        i for i in involvements
        if not code_is(getattr(i, "plan_status", ""), *HIDDEN_PLAN_STATUSES)
        and ended_within_coverage(as_date(i.involvement_end), coverage_start)
    ]


def asc_details(
    involvements: Sequence[Any], *, coverage_start: date | None, today: date
) -> AscDetails | None:
    """The last involvement (a current one first, then the latest start) gives organisation,
    contact and start date; the most recent interaction is the latest across all shown."""
    shown = visible_involvements(involvements, coverage_start=coverage_start)
    if not shown:
        return None

    def rank(i: Any) -> tuple[bool, date, date]:
        end = as_date(i.involvement_end)
        return (is_current(end, today), as_date(i.involvement_start) or date.min, end or date.max)

    last = max(shown, key=rank)
    interactions = [d for i in shown if (d := as_date(getattr(i, "most_recent_interaction", None)))]
    return AscDetails(
        involvement=CURRENT if is_current(as_date(last.involvement_end), today) else HISTORIC,
        local_authority_organisation=text(last.local_authority_organisation),
        contact=ContactDetails.from_row(last),
        start_of_last_involvement=as_date(last.involvement_start),
        most_recent_interaction=max(interactions) if interactions else None,
    )
