"""Phone numbers (phonenumbers, Google's libphonenumber data) and e-mail addresses.

One rule for "a number someone can dial", used by the card's ``tel:`` link and by the data-quality
report's valid-phone share: it parses as a UK number (or an international one written with + or
00) of a possible length for its country. Possible, not "valid": libphonenumber's valid ranges
exclude Ofcom's numbers reserved for drama (07700 900xxx), which synthetic data uses.
"""

from __future__ import annotations

import re

import phonenumbers

_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|extension|x)\s*\d+\s*$")
_LETTER = re.compile(r"[A-Za-z]")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def phone(value: object) -> phonenumbers.PhoneNumber | None:
    """The number (extension dropped), or None when it cannot be dialled as written."""
    raw = _EXTENSION.sub("", str(value or "").strip())
    if not raw or _LETTER.search(raw):  # "n/a", "see file"; not letters as on a keypad
        return None
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    possible = phonenumbers.is_possible_number_with_reason(number)
    return number if possible == phonenumbers.ValidationResult.IS_POSSIBLE else None


def is_uk_phone(value: object) -> bool:
    """A dialable UK number (the data-quality report's "valid UK phone", SPEC 3.1)."""
    number = phone(value)
    return number is not None and number.country_code == 44


def tel_href(value: object) -> str | None:
    """'tel:' + the number as written nationally (0161...) or internationally (+44...)."""
    number = phone(value)
    if number is None:
        return None
    raw = str(value).strip()
    if raw.startswith(("+", "00")):
        return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "tel:" + re.sub(r"\D", "", national)


def is_email(value: object) -> bool:
    """One @, a dotted domain, no spaces: "n/a" and "someone@localhost" are not addresses."""
    return bool(_EMAIL.match(str(value or "").strip()))
