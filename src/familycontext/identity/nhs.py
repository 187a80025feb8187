"""NHS numbers: ten digits with a modulus 11 check digit (python-stdnum's ``stdnum.gb.nhs``).

A number of one repeated digit (``0000000000``, ``1111111111``) passes the check digit but is a
placeholder a system writes when it has none; it would join unrelated people, so it is not an
NHS number here either.
"""

from __future__ import annotations

from stdnum.gb import nhs as _stdnum_nhs

PLACEHOLDER = "a placeholder (one digit repeated), not an NHS number"
BAD_CHECK_DIGIT = "not a valid NHS number (check digit)"


def digits(value: object) -> str:
    """The value without the spaces and dashes people write in it ("943 476 5919")."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return _stdnum_nhs.compact(str(value))


def problem(value: object) -> str | None:
    """Why ``value`` is not an NHS number, or None when it is one (or is blank)."""
    number = digits(value)
    if not number:
        return None
    if not _stdnum_nhs.is_valid(number):
        return BAD_CHECK_DIGIT
    if len(set(number)) == 1:
        return PLACEHOLDER
    return None


def valid(value: object) -> str | None:
    """The ten digits of a valid NHS number, else None (a mistyped number must find nobody)."""
    number = digits(value)
    return number if number and problem(number) is None else None


def sql_valid(column: str) -> str:
    """DuckDB twin of ``valid``: the ten digits of ``column`` (text) when valid, else NULL."""
    d = f"regexp_replace(coalesce({column}, ''), '[ -]', '', 'g')"
    return (
        f"CASE WHEN regexp_full_match({d}, '[0-9]{{10}}') AND {d} <> repeat({d}[1], 10)"
        f" AND (11 - list_sum(list_transform(range(9),"
        f" lambda i: (ascii({d}[i + 1]) - 48) * (10 - i))) % 11) % 11 = ascii({d}[10]) - 48"
        f" THEN {d} END"
    )
