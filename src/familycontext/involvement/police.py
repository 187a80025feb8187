"""Police details (SPEC 4.4): area, contact, at most N safeguarding offences, and only a
Yes / No for non-safeguarding offences.

Police data is the most sensitive a social worker sees, so the rules err towards showing less:
an offence type on neither configured list, or a nature of involvement other than Convicted /
Suspect, is never shown and never makes "Records found". Windows are per list and per nature,
counted back from today in calendar months, the first day of the window included.
The card never says "current": a police record is not a statement about today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from familycontext.config.settings import Configuration
from familycontext.involvement.codes import (
    CONVICTED,
    SUSPECT,
    as_date,
    canonical_lookup,
    nature_of_involvement,
    normalise_code,
    text,
)
from familycontext.involvement.contacts import ContactDetails
from familycontext.involvement.periods import in_window

YES = "Yes"
NO = "No"


@dataclass(frozen=True)
class OffenceSummary:
    offence_date: date
    offence_type: str  # the council's configured spelling
    nature_of_involvement: str  # "Convicted" or "Suspect"


@dataclass(frozen=True)
class PoliceDetails:
    police_area: str
    contact: ContactDetails | None
    safeguarding_offences: tuple[OffenceSummary, ...]
    safeguarding_limit: int
    safeguarding_note: str
    non_safeguarding_records_found: bool

    @property
    def non_safeguarding_text(self) -> str:
        return YES if self.non_safeguarding_records_found else NO


def limit_phrase(config: Configuration) -> str:
    """'a maximum of 3 are listed', from the configured limit (SPEC 4.4 wording)."""
    limit = config.police.max_safeguarding_offences
    return f"a maximum of {limit} {'is' if limit == 1 else 'are'} listed"


def safeguarding_note(config: Configuration) -> str:
    return f"Safeguarding offences: {limit_phrase(config)}, most recent first."


def _qualifies(nature: str, day: date, today: date, conviction_months: int, suspect_months: int) -> bool:
    months = conviction_months if nature == CONVICTED else suspect_months
    return in_window(day, today, months)


def safeguarding_offences(
    offences: Sequence[Any], *, today: date, config: Configuration
) -> list[OffenceSummary]:
    """Every safeguarding offence inside its window, most recent first (not yet truncated)."""
    police = config.police
    names = canonical_lookup(police.safeguarding_offence_types)
    found = []
    for o in offences:
        offence_type = names.get(normalise_code(o.offence_type))
        nature = nature_of_involvement(o.nature_of_involvement)
        day = as_date(o.offence_date)
        if offence_type is None or nature is None or day is None:
            continue
        if _qualifies(nature, day, today, police.safeguarding_conviction_months,
                      police.safeguarding_suspect_months):
            found.append(OffenceSummary(day, offence_type, nature))
    # Most recent first; on the same day a conviction before a suspicion, then by type for a stable order.
    found.sort(key=lambda s: (-s.offence_date.toordinal(), s.nature_of_involvement != CONVICTED,
                              s.offence_type))
    return found


def has_non_safeguarding(offences: Sequence[Any], *, today: date, config: Configuration) -> bool:
    police = config.police
    names = canonical_lookup(police.non_safeguarding_offence_types)
    for o in offences:
        nature = nature_of_involvement(o.nature_of_involvement)
        day = as_date(o.offence_date)
        if normalise_code(o.offence_type) not in names or nature is None or day is None:
            continue
        if _qualifies(nature, day, today, police.non_safeguarding_conviction_months,
                      police.non_safeguarding_suspect_months):
            return True
    return False


def police_details(
    contacts: Sequence[Any], offences: Sequence[Any], *, today: date, config: Configuration
) -> PoliceDetails | None:
    """None unless an offence on one of the lists falls in its window: being on the police
    people file, or having only old or unlisted offences, is not "Records found"."""
    safeguarding = safeguarding_offences(offences, today=today, config=config)
    other = has_non_safeguarding(offences, today=today, config=config)
    if not safeguarding and not other:
        return None
    person = next((c for c in contacts if text(getattr(c, "police_area", ""))), None)
    person = person or next(iter(contacts), None)
    limit = config.police.max_safeguarding_offences
    return PoliceDetails(
        police_area=text(getattr(person, "police_area", "")) if person else "",
        contact=ContactDetails.from_row(person) if person else None,
        safeguarding_offences=tuple(safeguarding[:limit]),
        safeguarding_limit=limit,
        safeguarding_note=safeguarding_note(config),
        non_safeguarding_records_found=other,
    )


__all__ = [
    "CONVICTED",
    "SUSPECT",
    "OffenceSummary",
    "PoliceDetails",
    "has_non_safeguarding",
    "limit_phrase",
    "police_details",
    "safeguarding_note",
    "safeguarding_offences",
]
