"""Field parsers for the SPEC 3 layout. Each returns the clean value or raises FieldProblem."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation


class FieldProblem(ValueError):
    """One field of one row is not acceptable; the message says why in plain words."""


_GENDERS = {
    "female": "Female", "f": "Female", "girl": "Female", "woman": "Female",
    "male": "Male", "m": "Male", "boy": "Male", "man": "Male",
    "other": "Other", "o": "Other", "non-binary": "Other", "nonbinary": "Other",
    "unknown": "Unknown", "u": "Unknown", "not known": "Unknown", "not stated": "Unknown", "": "Unknown",
}
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def text(value: str, max_length: int = 200) -> str:
    value = " ".join(value.split())
    if len(value) > max_length:
        raise FieldProblem(f"longer than {max_length} characters")
    return value


def iso_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 and value[4] == "-" else date.fromisoformat(value)
    except ValueError:
        raise FieldProblem(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def required_date(value: str) -> date:
    parsed = iso_date(value)
    if parsed is None:
        raise FieldProblem("is blank but required")
    return parsed


def date_of_birth(value: str, today: date) -> date | None:
    parsed = iso_date(value)
    if parsed is None:
        return None
    if parsed > today:
        raise FieldProblem(f"{value.strip()} is in the future")
    if parsed.year < today.year - 120:
        raise FieldProblem(f"{value.strip()} is more than 120 years ago")
    return parsed


def gender(value: str) -> str:
    try:
        return _GENDERS[value.strip().lower()]
    except KeyError:
        raise FieldProblem(f"{value!r} is not one of Female, Male, Other, Unknown") from None


def postcode(value: str) -> str:
    """UK postcode in its standard spacing; an unrecognisable one is kept as given (counted in the report)."""
    compact = re.sub(r"[^A-Za-z0-9]", "", value).upper()
    if not compact:
        return ""
    match = _POSTCODE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if len(compact) > 8:
        raise FieldProblem(f"{value!r} is not a postcode")
    return compact


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def nhs_number(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if not digits:
        return ""
    if not nhs_number_is_valid(digits):
        raise FieldProblem(f"{value!r} is not a valid NHS number (check digit)")
    return digits


def choice(value: str, allowed: dict[str, str], *, blank: str | None = None) -> str:
    key = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    if not key and blank is not None:
        return blank
    for name, canonical in allowed.items():
        if key == " ".join(name.lower().replace("_", " ").replace("-", " ").split()):
            return canonical
    raise FieldProblem(f"{value!r} is not one of {', '.join(dict.fromkeys(allowed.values()))}")


def decimal(value: str) -> Decimal | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise FieldProblem(f"{value!r} is not a number") from None
    if number < 0 or number > 9999:
        raise FieldProblem(f"{value} is out of range")
    return number


def flag(value: str) -> bool:
    return value.strip().lower() in {"true", "yes", "y", "1"}
