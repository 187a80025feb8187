"""UK postcodes: one parser for the full postcode, its sector, outward code and area.

"sk4 2ab", "SK42AB" and "SK4  2AB" are all SK4 2AB: sector "SK4 2", outward "SK4", area "SK".
Text that is not a postcode's shape keeps its compact form (counted in the data-quality report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
# Outward code (area letters, district digit, optional letter/digit) and inward code, no space.
PATTERN = r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$"
_SHAPE = re.compile(PATTERN)
_AREA = re.compile(r"^[A-Z]+")


@dataclass(frozen=True, slots=True)
class Postcode:
    full: str  # "SK4 2AB"
    sector: str  # "SK4 2"
    outward: str  # "SK4"
    area: str  # "SK"


def compact(value: object) -> str:
    """Upper case, letters and digits only ("sk4 2ab" -> "SK42AB"); "" when blank."""
    return _NOT_ALNUM.sub("", str(value or "")).upper()


def parse(value: object) -> Postcode | None:
    """The parts of a UK postcode, or None when ``value`` is not one."""
    match = _SHAPE.match(compact(value))
    if not match:
        return None
    outward, inward = match.groups()
    return Postcode(f"{outward} {inward}", f"{outward} {inward[0]}", outward,
                    _AREA.match(outward).group(0))  # type: ignore[union-attr]


def standard(value: object) -> str:
    """The postcode in its standard spacing, or the compact text when it is not a postcode."""
    parsed = parse(value)
    return parsed.full if parsed else compact(value)


def outward(value: object) -> str:
    """The outward code ("SK4 2AB" -> "SK4"), or "" when ``value`` is not a postcode."""
    parsed = parse(value)
    return parsed.outward if parsed else ""


def sql_parts(column: str) -> dict[str, str]:
    """DuckDB twins of ``standard`` and the parts for a text column: name -> expression (NULL
    where Python gives "" or None)."""
    c = f"nullif(upper(regexp_replace(coalesce({column}, ''), '[^A-Za-z0-9]', '', 'g')), '')"
    out = f"nullif(regexp_extract({c}, '{PATTERN}', 1), '')"
    inward = f"regexp_extract({c}, '{PATTERN}', 2)"
    return {
        "compact": c,
        "standard": f"CASE WHEN {out} IS NOT NULL THEN {out} || ' ' || {inward} ELSE {c} END",
        "sector": f"CASE WHEN {out} IS NOT NULL THEN {out} || ' ' || {inward}[1] END",
        "outward": out,
        "area": f"nullif(regexp_extract({out}, '^[A-Z]+'), '')",
    }
