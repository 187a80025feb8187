"""What the API reads from the database: one person's cards, related people, live sources.

The display rules themselves are ``involvement.cards.card_for`` (shared with the web pages); this
module only gathers the rows those rules take.

NOTE: ``_live_snapshot`` and ``_rows`` repeat ``web/cards.py`` (the layering forbids ``api`` to
import ``web``); they belong in a shared lower module (``people``), to move in one change with web.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from familycontext.involvement.cards import CARD_SERVICES, Card, ServiceRows, card_for
from familycontext.involvement.freshness import Freshness, SourceFacts, freshness_for
from familycontext.people.models import Person
from familycontext.sources.models import (
    AscInvolvement,
    HousingCase,
    HousingTenancy,
    PoliceContact,
    PoliceOffence,
    SchoolEnrolment,
    Snapshot,
    SourceRecord,
)
from familycontext.sources.services import (
    ADULT_SOCIAL_CARE,
    HOUSING,
    POLICE,
    SCHOOL,
    SERVICE_LABELS,
)

SERVICE_SLUGS = {service: service.replace("_", "-") for service in CARD_SERVICES}
SLUG_SERVICES = {slug: service for service, slug in SERVICE_SLUGS.items()}


def _live_snapshot(service: str, person_id: str) -> Snapshot | None:
    live = Snapshot.objects.filter(live=True, source__service=service).select_related("source")
    holding = live.filter(records__person_id=person_id).order_by("source__name").first()
    return holding or live.order_by("source__name").first()


def _rows(service: str, snapshot: Snapshot, person_id: str) -> ServiceRows:
    records = SourceRecord.objects.filter(snapshot=snapshot, person_id=person_id)
    if service == SCHOOL:
        return ServiceRows(enrolments=list(SchoolEnrolment.objects.filter(record__in=records)))
    if service == HOUSING:
        return ServiceRows(tenancies=list(HousingTenancy.objects.filter(record__in=records)),
                           cases=list(HousingCase.objects.filter(record__in=records)))
    if service == ADULT_SOCIAL_CARE:
        return ServiceRows(involvements=list(AscInvolvement.objects.filter(record__in=records)))
    if service == POLICE:
        return ServiceRows(police_contacts=list(PoliceContact.objects.filter(record__in=records)),
                           offences=list(PoliceOffence.objects.filter(record__in=records)))
    raise ValueError(service)


def card(person: Person, service: str, today: date) -> Card:
    """The card the web page would show for this person and service."""
    snapshot = _live_snapshot(service, person.id)
    source = SourceFacts.from_snapshot(snapshot) if snapshot else None
    rows = _rows(service, snapshot, person.id) if snapshot else ServiceRows()
    return card_for(service, date_of_birth=person.date_of_birth, source=source, rows=rows,
                    today=today, config=settings.CONFIG)


def cards(person: Person, today: date) -> list[Card]:
    return [card(person, service, today) for service in CARD_SERVICES]


@dataclass(frozen=True)
class LiveSource:
    service: str
    title: str
    key: str
    facts: SourceFacts
    freshness: Freshness
    records: int


def live_sources(today: date) -> list[LiveSource]:
    """Every live snapshot, with how current it is (the same staleness rule as the cards)."""
    found = []
    for snapshot in Snapshot.objects.filter(live=True).select_related("source").order_by(
            "source__service", "source__name"):
        facts = SourceFacts.from_snapshot(snapshot)
        found.append(LiveSource(
            service=snapshot.source.service,
            title=SERVICE_LABELS.get(snapshot.source.service, snapshot.source.service),
            key=snapshot.source.key, facts=facts,
            freshness=freshness_for(facts, today=today, config=settings.CONFIG),
            records=SourceRecord.objects.filter(snapshot=snapshot).count(),
        ))
    return found
