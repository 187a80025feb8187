"""The practitioner to call (SPEC 4): name, role, phone as a tel: link, email as a mailto: link.

Links are only made from values that look usable: a tel: link to a garbled number or a
mailto: to "n/a" would send a social worker nowhere while looking trustworthy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from familycontext.identity import contact
from familycontext.involvement.codes import text


def tel_href(phone: str) -> str | None:
    """'tel:' + the number, national (0161...) or international (+44...); None when it cannot be
    dialled as written. The rule is identity.contact's, shared with the data-quality report."""
    return contact.tel_href(phone)


def mailto_href(email: str) -> str | None:
    """'mailto:' for a plausible address only (one @, a dotted domain, no spaces)."""
    address = email.strip()
    if not contact.is_email(address):
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
