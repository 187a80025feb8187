"""The source records behind linkage ids, as a data manager sees them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from familycontext.people.linkage_view.words import NOT_SHOWN
from familycontext.sources.models import SourceRecord
from familycontext.sources.services import SERVICE_LABELS

_SEPARATOR = ":"  # linkage.standardise.UNIQUE_ID_SEPARATOR: "<source key>:<record id>"


def split_unique_id(unique_id: str) -> tuple[str, str]:
    """'<source key>:<record id>' -> (source key, record id); source keys are slugs, ids may hold ':'."""
    key, _, record_id = unique_id.partition(_SEPARATOR)
    return key, record_id


@dataclass(frozen=True)
class RecordView:
    """One source record as the data manager sees it (live, or gone since the run)."""

    unique_id: str
    source_key: str
    record_id: str
    source_name: str = ""
    service: str = ""
    first_name: str = ""
    last_name: str = ""
    other_names: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    address: str = ""
    postcode: str = ""
    nhs_number: str = ""
    restricted: bool = False
    person_id: str = ""
    live: bool = True

    @property
    def service_label(self) -> str:
        return SERVICE_LABELS.get(self.service, self.service)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "Name not known"

    @property
    def address_text(self) -> str:
        if self.restricted:
            return NOT_SHOWN
        return ", ".join(p for p in (self.address, self.postcode) if p)


def _view(record: SourceRecord) -> RecordView:
    source = record.snapshot.source
    return RecordView(
        unique_id=f"{source.key}{_SEPARATOR}{record.record_id}",
        source_key=source.key,
        record_id=record.record_id,
        source_name=source.name,
        service=source.service,
        first_name=record.first_name,
        last_name=record.last_name,
        other_names=record.other_names,
        date_of_birth=record.date_of_birth,
        gender=record.gender,
        address=record.address,
        postcode=record.postcode,
        nhs_number=record.nhs_number,
        restricted=record.restricted,
        person_id=record.person_id,
    )


def records_for(unique_ids: Iterable[str]) -> dict[str, RecordView]:
    """The live records behind linkage ids; an id no live snapshot holds any more is marked not live."""
    wanted: dict[str, set[str]] = {}
    ids = list(dict.fromkeys(unique_ids))
    for uid in ids:
        key, record_id = split_unique_id(uid)
        wanted.setdefault(key, set()).add(record_id)
    found: dict[str, RecordView] = {}
    for key, record_ids in wanted.items():
        rows = SourceRecord.objects.filter(
            snapshot__live=True, snapshot__source__key=key, record_id__in=record_ids
        ).select_related("snapshot__source")
        for row in rows:
            view = _view(row)
            found[view.unique_id] = view
    for uid in ids:
        if uid not in found:
            key, record_id = split_unique_id(uid)
            found[uid] = RecordView(unique_id=uid, source_key=key, record_id=record_id, live=False)
    return found


def person_records(person_id: str) -> list[RecordView]:
    """A person's live source records, CMS first (how social workers know a person), then by source."""
    rows = (
        SourceRecord.objects.filter(snapshot__live=True, person_id=person_id)
        .select_related("snapshot__source")
        .order_by("snapshot__source__name", "record_id")
    )
    order = {key: i for i, key in enumerate(SERVICE_LABELS)}
    return sorted(
        (_view(r) for r in rows),
        key=lambda v: (order.get(v.service, 9), v.source_name, v.record_id),
    )
