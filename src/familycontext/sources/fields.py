"""Field parsers for the SPEC 3 layout. Each returns the clean value or raises FieldProblem."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from familycontext.identity import dates, nhs, postcodes


class FieldProblem(ValueError):
    """One field of one row is not acceptable; the message says why in plain words."""


_GENDERS = {
    "female": "Female", "f": "Female", "girl": "Female", "woman": "Female",
    "male": "Male", "m": "Male", "boy": "Male", "man": "Male",
    "other": "Other", "o": "Other", "non-binary": "Other", "nonbinary": "Other",
    "unknown": "Unknown", "u": "Unknown", "not known": "Unknown", "not stated": "Unknown", "": "Unknown",
}


def text(value: str, max_length: int = 200) -> str:
    value = " ".join(value.split())
    if len(value) > max_length:
        raise FieldProblem(f"longer than {max_length} characters")
    return value


def iso_date(value: str) -> date | None:
    try:
        return dates.iso(value)
    except ValueError as exc:
        raise FieldProblem(str(exc)) from None


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
    if postcodes.parse(value) is None and len(postcodes.compact(value)) > 8:
        raise FieldProblem(f"{value!r} is not a postcode")
    return postcodes.standard(value)


def nhs_number(value: str) -> str:
    """The ten digits, "" when blank; a bad check digit or a placeholder such as 0000000000 is a
    problem (the field is blanked and the reason counted in the data-quality report)."""
    problem = nhs.problem(value)
    if problem:
        raise FieldProblem(f"{value.strip()!r} is {problem}")
    return nhs.digits(value)


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
