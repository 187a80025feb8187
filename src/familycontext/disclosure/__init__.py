"""What may be disclosed about a person, to whom, now: decided here and only here.

Every channel (the web person page, its related individuals, the print page, the ecomap, /api/v1,
the reference API) asks a ``Disclosure`` for a person and renders its answer; none re-applies
restriction, break-glass or the household rule itself. See docs/adr/0001-one-place-decides-disclosure.md.
"""

from familycontext.disclosure.decide import (
    DisclosedAddress,
    Disclosure,
    PersonDisclosure,
    PersonSummary,
    RelatedPerson,
    Withheld,
)
from familycontext.disclosure.homes import WITHHELD, RestrictedHomes

__all__ = [
    "WITHHELD",
    "DisclosedAddress",
    "Disclosure",
    "PersonDisclosure",
    "PersonSummary",
    "RelatedPerson",
    "RestrictedHomes",
    "Withheld",
]
