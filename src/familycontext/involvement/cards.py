"""What a service card shows (SPEC 4): the one entry point the web pages and the JSON API share.

Pure functions of (rows, date of birth, source facts, today, configuration): no database, no
request, so every rule is tested without either and both front ends show the same thing.
The age rule is applied before any row is looked at, so an out-of-band card cannot leak
whether records exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from familycontext.config.settings import AgeBand, Configuration
from familycontext.involvement.adult_social_care import AscDetails, asc_details
from familycontext.involvement.ages import decide
from familycontext.involvement.conditions import ConditionSection, conditions
from familycontext.involvement.contacts import ContactDetails
from familycontext.involvement.freshness import Freshness, SourceFacts, freshness_for
from familycontext.involvement.housing import HousingDetails, housing_details
from familycontext.involvement.police import OffenceSummary, PoliceDetails, police_details
from familycontext.involvement.school import SchoolDetails, school_details
from familycontext.sources.services import (
    ADULT_SOCIAL_CARE,
    HOUSING,
    POLICE,
    SCHOOL,
    SERVICE_LABELS,
)

CARD_SERVICES = (SCHOOL, HOUSING, ADULT_SOCIAL_CARE, POLICE)
RECORDS_FOUND = "Records found"

Details = SchoolDetails | HousingDetails | AscDetails | PoliceDetails


@dataclass(frozen=True)
class ServiceRows:
    """One person's rows from the live snapshots, under SPEC 3 attribute names."""

    enrolments: Sequence[Any] = ()
    tenancies: Sequence[Any] = ()
    cases: Sequence[Any] = ()
    involvements: Sequence[Any] = ()
    police_contacts: Sequence[Any] = ()
    offences: Sequence[Any] = ()


@dataclass(frozen=True)
class Card:
    service: str
    title: str
    source_name: str | None  # None when no snapshot of the service is loaded
    loaded: bool
    shown_for_age: bool
    age_note: str | None
    age_unknown: bool
    records_found: bool
    flag_text: str
    freshness: Freshness | None
    details: Details | None
    # The source holds a record of the person, whether or not anything passes the display rules.
    known: bool = False
    # Whom to call at the source: the details' contact, or when nothing passes the rules but the
    # source knows the person, the contact on its record (shown when the card is opened).
    contact: ContactDetails | None = None

    @property
    def label(self) -> str:
        """The flag in words, one line: "Records found", "Known to <source>: no offences in the
        periods shown", "No records found in <source>", or why the card is not shown or loaded.
        For summaries and other channels to reuse as is."""
        return self.flag_text

    @property
    def openable(self) -> bool:
        """Is there anything to open: details, or the contact of a source that knows the person."""
        return self.shown_for_age and (self.records_found or self.known)


def band_for(service: str, config: Configuration) -> AgeBand:
    return getattr(config.age_bands, service)


def not_loaded_text(title: str) -> str:
    return f"No {title} information has been loaded, so we cannot say whether this person is known to {title}"


def _details(service: str, rows: ServiceRows, source: SourceFacts, today: date,
             config: Configuration) -> Details | None:
    start, end = source.coverage_start, source.coverage_end
    if service == SCHOOL:
        return school_details(rows.enrolments, coverage_start=start, today=today)
    if service == HOUSING:
        return housing_details(rows.tenancies, rows.cases, coverage_start=start,
                               coverage_end=end, today=today, config=config)
    if service == ADULT_SOCIAL_CARE:
        return asc_details(rows.involvements, coverage_start=start, today=today)
    return police_details(rows.police_contacts, rows.offences, today=today, config=config)


def _rows_of(service: str, rows: ServiceRows) -> Sequence[Any]:
    if service == SCHOOL:
        return rows.enrolments
    if service == HOUSING:
        return (*rows.tenancies, *rows.cases)
    if service == ADULT_SOCIAL_CARE:
        return rows.involvements
    return (*rows.police_contacts, *rows.offences)


def _record_contact(service: str, rows: ServiceRows) -> ContactDetails | None:
    """The contact on the person's own rows, for a source that knows them but shows nothing."""
    candidates = {SCHOOL: rows.enrolments, HOUSING: rows.tenancies,
                  ADULT_SOCIAL_CARE: rows.involvements, POLICE: rows.police_contacts}[service]
    return next((c for c in map(ContactDetails.from_row, candidates) if c is not None), None)


def known_label(service: str, source_name: str, config: Configuration) -> str:
    """What a card says when the source knows the person but nothing passes the display rules:
    the rule's own terms (the conditions page explains the periods), never "No records found"."""
    if service == POLICE:
        return f"Known to {source_name}: no offences in the periods shown"
    if service == HOUSING:
        return (f"Known to {source_name}: no tenancy or case in the periods shown "
                f"(rent arrears count over {config.housing.rent_arrears_min_weeks} weeks)")
    if service == SCHOOL:
        return f"Known to {source_name}: no enrolment in the coverage period"
    return f"Known to {source_name}: no active or ended involvement in the coverage period"


def card_for(
    service: str,
    *,
    date_of_birth: date | None,
    source: SourceFacts | None,
    rows: ServiceRows,
    today: date,
    config: Configuration,
    known: bool | None = None,
) -> Card:
    """The card for one service. Out of the age band: no flag and no details, only the reason.

    ``known``: whether the source holds a record of the person (the caller reads it with the
    rows); None infers it from the rows."""
    if service not in CARD_SERVICES:
        raise ValueError(f"no card for service {service!r}; expected one of {CARD_SERVICES}")
    title = SERVICE_LABELS[service]
    age = decide(title, band_for(service, config), date_of_birth, today)
    freshness = freshness_for(source, today=today, config=config) if source else None
    common = dict(
        service=service,
        title=title,
        source_name=source.name if source else None,
        loaded=source is not None,
        age_note=age.note,
        age_unknown=age.age_unknown,
        freshness=freshness,
    )
    if not age.shown:
        return Card(**common, shown_for_age=False, records_found=False,
                    flag_text=age.note or "", details=None)
    if source is None:
        return Card(**common, shown_for_age=True, records_found=False,
                    flag_text=not_loaded_text(title), details=None)
    details = _details(service, rows, source, today, config)
    known = bool(_rows_of(service, rows)) if known is None else known
    known = known or details is not None
    if details is not None:
        flag = RECORDS_FOUND
    elif known:
        flag = known_label(service, source.name, config)
    else:
        flag = f"No records found in {source.name}"
    contact = getattr(details, "contact", None) if details is not None else _record_contact(service, rows)
    return Card(
        **common,
        shown_for_age=True,
        records_found=details is not None,
        flag_text=flag,
        details=details,
        known=known,
        contact=contact if known else None,
    )


def cards_for(
    *,
    date_of_birth: date | None,
    sources: Mapping[str, SourceFacts | None],
    rows: Mapping[str, ServiceRows],
    today: date,
    config: Configuration,
) -> list[Card]:
    """All four cards in display order; a service missing from ``sources`` is "not loaded"."""
    return [
        card_for(s, date_of_birth=date_of_birth, source=sources.get(s),
                 rows=rows.get(s, ServiceRows()), today=today, config=config)
        for s in CARD_SERVICES
    ]


__all__ = [
    "CARD_SERVICES",
    "AscDetails",
    "Card",
    "ConditionSection",
    "ContactDetails",
    "Freshness",
    "HousingDetails",
    "OffenceSummary",
    "PoliceDetails",
    "SchoolDetails",
    "ServiceRows",
    "SourceFacts",
    "card_for",
    "cards_for",
    "conditions",
]
