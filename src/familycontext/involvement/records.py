"""One person's service cards from the live snapshots: gather the rows, apply the display rules.

The rules (``involvement.cards``) are pure functions; this module is the one place that reads
involvement rows from the database for them, shared by the web pages and the API so both show
exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.conf import settings

from familycontext.involvement.cards import CARD_SERVICES, Card, ServiceRows, card_for
from familycontext.involvement.freshness import Freshness, SourceFacts, freshness_for
from familycontext.ops.plain_sql import ModelReader
from familycontext.sources.live import live_snapshots
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
    the person; a card per source is future work. With one source (the usual case) no query
    beyond ``live_snapshots``' is needed.
    """
    live = [s for s in live_snapshots() if s.source.service == service]
    if len(live) <= 1:
        return live[0] if live else None
    holding = set(SourceRecord.objects.filter(snapshot__in=[s.id for s in live], person_id=person_id)
                  .values_list("snapshot_id", flat=True).distinct())
    return next((s for s in live if s.id in holding), live[0])


_READERS: dict[type, ModelReader] = {}


def _read_rows(model: type, snapshot: Snapshot, person_id: str, record_ids: list[int] | None) -> list:
    """``model.objects.filter(record__in=...)`` in one plain statement (docs/adr/0002: each ORM query
    here cost the page 0.3 ms of Python)."""
    reader = _READERS.get(model)
    if reader is None:
        reader = _READERS[model] = ModelReader(model)
    connection = reader.database()
    q = connection.ops.quote_name
    if record_ids is not None:
        where, params = f"IN ({', '.join(['%s'] * len(record_ids))})", list(record_ids)
    else:
        where = (f"IN (SELECT r.{q('id')} FROM {q(SourceRecord._meta.db_table)} r "
                 f"WHERE r.{q('snapshot_id')} = %s AND r.{q('person_id')} = %s)")
        params = [snapshot.id, person_id]
    return [row for row, _ in reader.fetch(f"FROM {reader.table(connection)} WHERE t.{q('record_id')} {where}",
                                           params, connection=connection)]


def _rows(service: str, snapshot: Snapshot, person_id: str,
          record_ids: list[int] | None = None) -> ServiceRows:
    """The service's rows for the person's records in ``snapshot``; ``record_ids``, when the
    caller already knows them, saves a subquery, and no queries at all when there are none."""
    if record_ids is not None and not record_ids:
        return ServiceRows()

    def rows(model: type) -> list:
        return _read_rows(model, snapshot, person_id, record_ids)

    if service == SCHOOL:
        return ServiceRows(enrolments=rows(SchoolEnrolment))
    if service == HOUSING:
        return ServiceRows(tenancies=rows(HousingTenancy), cases=rows(HousingCase))
    if service == ADULT_SOCIAL_CARE:
        return ServiceRows(involvements=rows(AscInvolvement))
    if service == POLICE:
        return ServiceRows(police_contacts=rows(PoliceContact), offences=rows(PoliceOffence))
    raise ValueError(service)


def _live_snapshots(person_id: str, records: list[SourceRecord] | None = None,
                    live: Sequence[Snapshot] | None = None,
                    ) -> tuple[dict[str, Snapshot], dict[int, list[int]]]:
    """``_live_snapshot`` for every card service at once: at most one query besides the live list.
    Also returns the person's record ids in each live snapshot, so that a card whose snapshot
    holds none of them needs no further query. ``records``: the person's live records, when the
    caller has them already (the person page); saves a query."""
    live = [s for s in (live_snapshots() if live is None else live) if s.source.service in CARD_SERVICES]
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
    # Does the source know the person at all? "No records found" only when it does not.
    if record_ids is not None:
        known = bool(record_ids)
    else:
        known = bool(snapshot) and SourceRecord.objects.filter(snapshot=snapshot, person_id=person.id).exists()
    return card_for(service, date_of_birth=person.date_of_birth, source=source, rows=rows,
                    today=today, config=settings.CONFIG, known=known)


def cards(person: PersonLike, today: date, records: list[SourceRecord] | None = None,
          live: Sequence[Snapshot] | None = None) -> list[Card]:
    """The four cards in display order. ``records``: the person's live records, and ``live``:
    ``sources.live.live_snapshots()``, if at hand (each saves a query)."""
    snapshots, held = _live_snapshots(person.id, records, live)
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
    for snapshot in sorted(live_snapshots(), key=lambda s: (s.source.service, s.source.name)):
        facts = SourceFacts.from_snapshot(snapshot)
        found.append(LiveSource(
            service=snapshot.source.service,
            title=SERVICE_LABELS.get(snapshot.source.service, snapshot.source.service),
            key=snapshot.source.key, facts=facts,
            freshness=freshness_for(facts, today=today, config=settings.CONFIG),
            records=SourceRecord.objects.filter(snapshot=snapshot).count(),
        ))
    return found
