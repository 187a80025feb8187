"""Tolerant matching of the code values sources send (plan status, case type, offence type, ...).

Extracts are typed by people: "Burglary - residential" with a hyphen instead of the en dash,
"anti_social_behaviour" or "Anti-social behaviour", stray spaces and capitals. A missed match
would silently hide a police record, so every comparison goes through :func:`normalise_code`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

# Whitespace, underscores and every dash-like character people type for an en dash.
_SEPARATORS = re.compile(r"[\s_\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]+")

CONVICTED = "Convicted"
SUSPECT = "Suspect"
_NATURES = {
    "convicted": CONVICTED,
    "convict": CONVICTED,
    "conviction": CONVICTED,
    "suspect": SUSPECT,
    "suspected": SUSPECT,
}


def normalise_code(value: object) -> str:
    """Casefold and collapse separators so equivalent spellings of one code compare equal."""
    if value is None:
        return ""
    return _SEPARATORS.sub(" ", str(value).casefold()).strip()


def code_is(value: object, *codes: str) -> bool:
    """True when ``value`` is any of ``codes`` under :func:`normalise_code`."""
    wanted = {normalise_code(c) for c in codes}
    return normalise_code(value) in wanted


def canonical_lookup(names: Iterable[str]) -> dict[str, str]:
    """Map each normalised name to the configured spelling, so we display the council's wording."""
    return {normalise_code(name): name for name in names}


def nature_of_involvement(value: object) -> str | None:
    """"Convicted", "Suspect", or None for anything else (never shown, never counted)."""
    return _NATURES.get(normalise_code(value))


def text(value: object) -> str:
    """A row's text field as a stripped string; None and blanks become ""."""
    return "" if value is None else str(value).strip()


def as_date(value: Any) -> date | None:
    """Rows may carry dates or date-times (or None); the rules work in whole days."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {value!r}")
