"""NHS numbers from the range NHS England reserves for testing (999 000 0000 - 999 999 9999).

Real-looking numbers from live ranges could belong to real patients; test-range numbers with a
valid modulus 11 check digit exercise the loader's checksum without that risk.
"""

from __future__ import annotations

TEST_PREFIX = "999"
_BASES = 10**6  # six free digits after the prefix
_MULTIPLIER = 387_403  # coprime with 10**6, so index -> base is a bijection


def check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit, or None when the nine digits cannot form a valid number."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    return None if digit == 10 else digit


def is_valid(number: str) -> bool:
    if len(number) != 10 or not number.isdigit():
        return False
    return check_digit(number[:9]) == int(number[9])


def reserved_number(index: int, offset: int) -> str:
    """A distinct test-range number for each person index below a million; blank when none is left."""
    if index >= _BASES:
        return ""
    base = (index * _MULTIPLIER + offset) % _BASES
    first_nine = f"{TEST_PREFIX}{base:06d}"
    digit = check_digit(first_nine)
    return "" if digit is None else f"{first_nine}{digit}"
