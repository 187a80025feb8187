"""How far to trust a card (SPEC 4): the source, when its data was current, what it covers.

Every card, open or closed, carries these facts, and a warning once the live snapshot is
older than the council's threshold, because an old "No records found" can be wrong today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from familycontext.config.settings import Configuration


@dataclass(frozen=True)
class SourceFacts:
    """What a live snapshot says about itself; plain values so the rules need no database."""

    name: str
    date_current_as_of: datetime
    coverage_start: date | None
    coverage_end: date | None
    coverage_area: str
    coverage_explanation: str

    @classmethod
    def from_snapshot(cls, snapshot: Any) -> SourceFacts:
        """Duck-typed over ``sources.models.Snapshot``: reads attributes only."""
        return cls(
            name=snapshot.source.name,
            date_current_as_of=snapshot.date_current_as_of,
            coverage_start=snapshot.coverage_start,
            coverage_end=snapshot.coverage_end,
            coverage_area=snapshot.coverage_area or "",
            coverage_explanation=snapshot.coverage_explanation or "",
        )


@dataclass(frozen=True)
class Freshness:
    as_of: datetime
    coverage_start: date | None
    coverage_end: date | None
    coverage_area: str
    coverage_explanation: str
    stale: bool
    stale_note: str | None
    days_old: int


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def freshness_for(source: SourceFacts, *, today: date, config: Configuration) -> Freshness:
    """Stale when the data is more than ``freshness.stale_after_days`` whole days old."""
    limit = config.freshness.stale_after_days
    days_old = (today - _day(source.date_current_as_of)).days
    stale = days_old > limit
    note = None
    if stale:
        unit = "day" if limit == 1 else "days"
        note = (
            f"This information from {source.name} is {days_old} days old, more than {limit} {unit}. "
            "It may be out of date: check with the service before relying on it."
        )
    return Freshness(
        as_of=source.date_current_as_of,
        coverage_start=source.coverage_start,
        coverage_end=source.coverage_end,
        coverage_area=source.coverage_area,
        coverage_explanation=source.coverage_explanation,
        stale=stale,
        stale_note=note,
        days_old=days_old,
    )
