"""Gather one person's rows from the live snapshots and apply the involvement display rules.

The rules themselves (``involvement.cards``) are pure; this is the only place the web pages
read involvement rows from the database.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from familycontext.involvement.cards import CARD_SERVICES, Card, ServiceRows, card_for
from familycontext.involvement.freshness import SourceFacts
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
from familycontext.sources.services import ADULT_SOCIAL_CARE, HOUSING, POLICE, SCHOOL

# Service keys as they appear in addresses: /person/P1/service/adult-social-care
SERVICE_SLUGS = {service: service.replace("_", "-") for service in CARD_SERVICES}
SLUG_SERVICES = {slug: service for service, slug in SERVICE_SLUGS.items()}


def _live_snapshot(service: str, person_id: str) -> Snapshot | None:
    """The live snapshot for the service: the one holding this person's records, else the first.

    A council with two sources for one service (two housing providers) gets the one that knows
    the person; a card per source is future work.
    """
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
    snapshot = _live_snapshot(service, person.id)
    source = SourceFacts.from_snapshot(snapshot) if snapshot else None
    rows = _rows(service, snapshot, person.id) if snapshot else ServiceRows()
    return card_for(service, date_of_birth=person.date_of_birth, source=source, rows=rows,
                    today=today, config=settings.CONFIG)


def cards(person: Person, today: date) -> list[Card]:
    """The four cards in display order."""
    return [card(person, service, today) for service in CARD_SERVICES]
