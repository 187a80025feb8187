"""Date arithmetic shared by the services: windows in calendar months, current vs historic.

Windows are counted in calendar months with dateutil's relativedelta, so "the last 60 months"
ends on the same day of the month 5 years ago (clamped to month end: 31 March minus one month
is 28 or 29 February). The boundary day itself is inside the window.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta


def window_start(today: date, months: int) -> date:
    """The first day inside a window of ``months`` calendar months ending today."""
    return today - relativedelta(months=months)


def in_window(day: date | None, today: date, months: int) -> bool:
    """True when ``day`` falls on or after the window's first day (undated rows never count)."""
    return day is not None and day >= window_start(today, months)


def is_current(end: date | None, today: date) -> bool:
    """Blank end = current. An end date after today (a leaving date already recorded) is too:
    the person is still involved on the day the social worker looks."""
    return end is None or end > today


def ended_within_coverage(end: date | None, coverage_start: date | None) -> bool:
    """A historic row is shown only when it ended inside the period the source says it covers;
    one that ended before coverage start is outside what the source vouches for."""
    if end is None:
        return True
    return coverage_start is None or end >= coverage_start


def overlaps(
    start_a: date | None, end_a: date | None, start_b: date | None, end_b: date | None
) -> bool:
    """Closed intervals; a missing start is the distant past, a missing end is still running."""
    a0, b0 = start_a or date.min, start_b or date.min
    a1, b1 = end_a or date.max, end_b or date.max
    return a0 <= b1 and b0 <= a1
