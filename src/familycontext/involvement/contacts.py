"""The practitioner to call (SPEC 4): name, role, phone as a tel: link, email as a mailto: link.

Links are only made from values that look usable: a tel: link to a garbled number or a
mailto: to "n/a" would send a social worker nowhere while looking trustworthy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from familycontext.involvement.codes import text

_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|extension|x)\s*\d+\s*$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def tel_href(phone: str) -> str | None:
    """'tel:' + digits, keeping a leading + (for +44) or the leading 0; None when not dialable.

    UK numbers: 0 + 9 or 10 digits, or +44 + 9 or 10 digits ("+44 (0)161 ..." drops the "(0)").
    Other international numbers (+ and 7–15 digits, the E.164 limit) are kept as given.
    """
    raw = _EXTENSION.sub("", phone.strip())
    if not raw or re.search(r"[A-Za-z]", raw):
        return None
    raw = raw.replace("(0)", "")
    plus = raw.startswith("+") or raw.startswith("00")
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("00"):
        digits = digits[2:]
    if plus:
        if digits.startswith("44"):
            national = digits[2:]
            return f"tel:+{digits}" if 9 <= len(national) <= 10 and national[0] != "0" else None
        return f"tel:+{digits}" if 7 <= len(digits) <= 15 else None
    if digits.startswith("0") and 10 <= len(digits) <= 11:
        return f"tel:{digits}"
    return None


def mailto_href(email: str) -> str | None:
    """'mailto:' for a plausible address only (one @, a dotted domain, no spaces)."""
    address = email.strip()
    if not _EMAIL.match(address):
        return None
    return "mailto:" + quote(address, safe="@.!$'*+-_=~")


@dataclass(frozen=True)
class ContactDetails:
    name: str
    role: str
    phone: str
    email: str
    tel_href: str | None
    mailto_href: str | None

    @classmethod
    def from_row(cls, row: Any) -> ContactDetails | None:
        """Read the SPEC 3 contact columns; None when the row names no contact at all."""
        name = text(getattr(row, "contact_name", None))
        role = text(getattr(row, "contact_role", None))
        phone = text(getattr(row, "contact_phone", None))
        email = text(getattr(row, "contact_email", None))
        if not (name or role or phone or email):
            return None
        return cls(name, role, phone, email, tel_href(phone), mailto_href(email))
