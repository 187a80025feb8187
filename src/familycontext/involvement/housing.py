"""Housing details (SPEC 4.2): tenancy (Current / Historic, association, start, contact) and four
case statuses, each "Case open", "Case closed" or "No records found".

What each status counts (windows from ``config.housing``):

- anti-social behaviour: cases where the person is the perpetrator (never the victim) that
  were open at any time in the coverage period;
- rent arrears: "Case open" = an open case with more than ``rent_arrears_min_weeks`` weeks'
  arrears. "Case closed" = no such open case, but a rent arrears case closed within the
  coverage period. An open case at or below the threshold is below the council's reporting
  line and does not count. An open case with no arrears figure counts as open: sources that
  send no figure (the Common Data Model's "Case open" flag) have applied the rule themselves;
- notice seeking possession, eviction: cases open at any time in the last N months, i.e.
  still open, or closed on or after the window's first day.

Open beats closed: one open case makes the status "Case open".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from familycontext.config.settings import Configuration
from familycontext.involvement.codes import as_date, code_is, text
from familycontext.involvement.contacts import ContactDetails
from familycontext.involvement.periods import (
    ended_within_coverage,
    is_current,
    overlaps,
    window_start,
)

CURRENT = "Current"
HISTORIC = "Historic"
CASE_OPEN = "Case open"
CASE_CLOSED = "Case closed"
NO_RECORDS = "No records found"

ANTI_SOCIAL_BEHAVIOUR = "anti_social_behaviour"
RENT_ARREARS = "rent_arrears"
NOTICE_SEEKING_POSSESSION = "notice_seeking_possession"
EVICTION = "eviction"


@dataclass(frozen=True)
class HousingDetails:
    involvement: str | None  # "Current", "Historic", or None when only cases are known
    housing_association: str
    tenancy_start: date | None
    contact: ContactDetails | None
    anti_social_behaviour: str
    rent_arrears: str
    notice_seeking_possession: str
    eviction: str

    @property
    def statuses(self) -> list[tuple[str, str]]:
        """(label, status) in display order, for templates and the API."""
        return [
            ("Anti-social behaviour", self.anti_social_behaviour),
            ("Rent arrears", self.rent_arrears),
            ("Notice seeking possession", self.notice_seeking_possession),
            ("Eviction", self.eviction),
        ]


def _closed(case: Any) -> date | None:
    return as_date(getattr(case, "closed", None))


def _status(open_cases: list[Any], closed_cases: list[Any], *, known: list[Any] = (),
            none_counted: str = NO_RECORDS) -> str:
    """Open beats closed. With neither: "No records found" only when the source holds no such
    case at all; otherwise ``none_counted``, the rule's own words ("No open arrears over 6 weeks"),
    so the page never says "No records found" of a case the source holds."""
    if open_cases:
        return CASE_OPEN
    if closed_cases:
        return CASE_CLOSED
    return none_counted if known else NO_RECORDS


def counts(status: str) -> bool:
    """Does this status make the housing card "Records found"?"""
    return status in (CASE_OPEN, CASE_CLOSED)


def _of_type(cases: Sequence[Any], case_type: str) -> list[Any]:
    return [c for c in cases if code_is(c.case_type, case_type)]


def _weeks(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def anti_social_behaviour_status(
    cases: Sequence[Any], *, coverage_start: date | None, coverage_end: date | None
) -> str:
    as_perpetrator = [c for c in _of_type(cases, ANTI_SOCIAL_BEHAVIOUR)
                      if code_is(getattr(c, "role", ""), "perpetrator")]
    asb = [c for c in as_perpetrator
           if overlaps(as_date(c.opened), as_date(c.closed), coverage_start, coverage_end)]
    return _status([c for c in asb if _closed(c) is None], [c for c in asb if _closed(c) is not None],
                   known=as_perpetrator, none_counted="No case as perpetrator in the coverage period")


def rent_arrears_status(
    cases: Sequence[Any], *, coverage_start: date | None, config: Configuration
) -> str:
    threshold = Decimal(config.housing.rent_arrears_min_weeks)
    arrears = _of_type(cases, RENT_ARREARS)
    open_cases = [
        c for c in arrears
        if _closed(c) is None and ((w := _weeks(getattr(c, "arrears_weeks", None))) is None or w > threshold)
    ]
    closed_cases = [
        c for c in arrears
        if _closed(c) is not None and ended_within_coverage(as_date(c.closed), coverage_start)
    ]
    return _status(open_cases, closed_cases, known=arrears,
                   none_counted=f"No open arrears over {config.housing.rent_arrears_min_weeks} weeks")


def windowed_status(cases: Sequence[Any], case_type: str, *, months: int, today: date) -> str:
    """Open cases always count; closed ones when closed on or after the window's first day."""
    start = window_start(today, months)
    of_type = _of_type(cases, case_type)
    closed = [c for c in of_type if _closed(c) is not None and _closed(c) >= start]
    return _status([c for c in of_type if _closed(c) is None], closed, known=of_type,
                   none_counted=f"None in the last {months} months")


def visible_tenancies(tenancies: Sequence[Any], *, coverage_start: date | None) -> list[Any]:
    return [t for t in tenancies if ended_within_coverage(as_date(t.tenancy_end), coverage_start)]


def housing_details(
    tenancies: Sequence[Any],
    cases: Sequence[Any],
    *,
    coverage_start: date | None,
    coverage_end: date | None,
    today: date,
    config: Configuration,
) -> HousingDetails | None:
    """None when there is neither a tenancy to show nor any status other than "No records found"."""
    statuses = {
        "anti_social_behaviour": anti_social_behaviour_status(
            cases, coverage_start=coverage_start, coverage_end=coverage_end
        ),
        "rent_arrears": rent_arrears_status(cases, coverage_start=coverage_start, config=config),
        "notice_seeking_possession": windowed_status(
            cases, NOTICE_SEEKING_POSSESSION,
            months=config.housing.notice_seeking_possession_months, today=today,
        ),
        "eviction": windowed_status(
            cases, EVICTION, months=config.housing.eviction_months, today=today
        ),
    }
    shown = visible_tenancies(tenancies, coverage_start=coverage_start)
    if not shown and not any(counts(s) for s in statuses.values()):
        return None
    if not shown:
        return HousingDetails(None, "", None, None, **statuses)

    def rank(t: Any) -> tuple[bool, date, date]:
        end = as_date(t.tenancy_end)
        return (is_current(end, today), end or date.max, as_date(t.tenancy_start) or date.min)

    best = max(shown, key=rank)
    return HousingDetails(
        involvement=CURRENT if is_current(as_date(best.tenancy_end), today) else HISTORIC,
        housing_association=text(best.housing_association),
        tenancy_start=as_date(best.tenancy_start),
        contact=ContactDetails.from_row(best),
        **statuses,
    )
