"""One person's service cards from the live snapshots: gather the rows, apply the display rules.

The rules (``involvement.cards``) are pure functions; this module is the one place that reads
involvement rows from the database for them, shared by the web pages and the API so both show
exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.conf import settings

from familycontext.involvement.cards import CARD_SERVICES, Card, ServiceRows, card_for
from familycontext.involvement.freshness import Freshness, SourceFacts, freshness_for
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


class PersonLike(Protocol):
    """What the cards need of a person: the stable id and the date of birth shown."""

    id: str
    date_of_birth: date | None


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


def _rows(service: str, snapshot: Snapshot, person_id: str,
          record_ids: list[int] | None = None) -> ServiceRows:
    """The service's rows for the person's records in ``snapshot``; ``record_ids``, when the
    caller already knows them, saves a subquery, and no queries at all when there are none."""
    if record_ids is not None and not record_ids:
        return ServiceRows()
    records = record_ids if record_ids is not None else SourceRecord.objects.filter(
        snapshot=snapshot, person_id=person_id)
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


def _live_snapshots(person_id: str, records: list[SourceRecord] | None = None,
                    ) -> tuple[dict[str, Snapshot], dict[int, list[int]]]:
    """``_live_snapshot`` for every card service at once: two queries instead of two per card.
    Also returns the person's record ids in each live snapshot, so that a card whose snapshot
    holds none of them needs no further query. ``records``: the person's live records, when the
    caller has them already (the person page); saves a query."""
    live = list(Snapshot.objects.filter(live=True, source__service__in=CARD_SERVICES)
                .select_related("source").order_by("source__name"))
    held: dict[int, list[int]] = {}
    if records is not None:
        live_ids = {s.id for s in live}
        pairs = [(r.snapshot_id, r.id) for r in records if r.snapshot_id in live_ids and r.person_id == person_id]
    else:
        pairs = (SourceRecord.objects.filter(snapshot__in=[s.id for s in live], person_id=person_id)
                 .values_list("snapshot_id", "id"))
    for snapshot_id, record_id in pairs:
        held.setdefault(snapshot_id, []).append(record_id)
    chosen: dict[str, Snapshot] = {}
    for snapshot in live:
        current = chosen.get(snapshot.source.service)
        if current is None or (snapshot.id in held and current.id not in held):
            chosen[snapshot.source.service] = snapshot
    return chosen, held


def card(person: PersonLike, service: str, today: date, *,
         snapshots: dict[str, Snapshot] | None = None,
         held: dict[int, list[int]] | None = None) -> Card:
    snapshot = snapshots.get(service) if snapshots is not None else _live_snapshot(service, person.id)
    source = SourceFacts.from_snapshot(snapshot) if snapshot else None
    record_ids = held.get(snapshot.id, []) if snapshot and held is not None else None
    rows = _rows(service, snapshot, person.id, record_ids) if snapshot else ServiceRows()
    return card_for(service, date_of_birth=person.date_of_birth, source=source, rows=rows,
                    today=today, config=settings.CONFIG)


def cards(person: PersonLike, today: date, records: list[SourceRecord] | None = None) -> list[Card]:
    """The four cards in display order. ``records``: the person's live records, if at hand."""
    snapshots, held = _live_snapshots(person.id, records)
    return [card(person, service, today, snapshots=snapshots, held=held) for service in CARD_SERVICES]


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
