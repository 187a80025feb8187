"""A small synthetic borough in the database, linked by its ground truth, plus hand-made people.

Linkage is another module's job: here each source record's person is taken from the
generator's truth.csv, so a search failure is the search's fault, not the linker's.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from familycontext.people.readmodel import rebuild_people
from familycontext.sources.models import Snapshot, Source, SourceRecord
from familycontext.synth import generate

AS_OF = date(2025, 6, 1)
IDENTITY = ("first_name", "last_name", "other_names", "date_of_birth", "gender", "address", "postcode",
            "nhs_number")


@pytest.fixture(scope="session")
def synthetic_rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    """Identity rows of a 400-person borough, each with its service and true person key."""
    out = tmp_path_factory.mktemp("search-borough")
    generate(people=400, seed=5, out=out, as_of=AS_OF)
    with (out / "truth.csv").open(encoding="utf-8") as handle:
        truth = {(r["service"], r["record_id"]): r["person_key"] for r in csv.DictReader(handle)}
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for path in sorted(Path(out).glob("*/*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if "first_name" in row and (path.parent.name, row["record_id"]) not in rows:
                    row["service"] = path.parent.name
                    row["person_id"] = truth[(path.parent.name, row["record_id"])]
                    rows[(path.parent.name, row["record_id"])] = row
    return list(rows.values())


def _snapshot(service: str) -> Snapshot:
    source, _ = Source.objects.get_or_create(key=f"test-{service}", defaults={"service": service, "name": service})
    snapshot = source.live_snapshot
    if snapshot is None:
        snapshot = Snapshot.objects.create(source=source, live=True, content_hash="x",
                                           date_current_as_of=datetime(2025, 6, 1, tzinfo=UTC))
    return snapshot


AddPerson = Callable[..., None]


@pytest.fixture
def borough(db, synthetic_rows: list[dict[str, str]]) -> AddPerson:
    """Loads the synthetic borough; returns ``add(person_id, *records)`` for hand-made people.

    Call ``add`` for every edge case first, then ``add.publish()`` to rebuild people and index.
    """
    snapshots: dict[str, Snapshot] = {}
    records = []
    for row in synthetic_rows:
        snapshot = snapshots.setdefault(row["service"], _snapshot(row["service"]))
        fields = {k: row.get(k, "") or "" for k in IDENTITY}
        fields["date_of_birth"] = date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None
        records.append(SourceRecord(snapshot=snapshot, record_id=row["record_id"], person_id=row["person_id"],
                                    **fields))
    SourceRecord.objects.bulk_create(records)
    counter = iter(range(10**6))

    def add(person_id: str, *people_records: dict[str, object]) -> None:
        for record in people_records:
            record = dict(record)
            service = str(record.pop("service", "school"))
            record_id = str(record.pop("record_id", f"T{next(counter):06d}"))
            SourceRecord.objects.create(snapshot=_snapshot(service), record_id=record_id, person_id=person_id,
                                        **record)

    add.publish = rebuild_people  # type: ignore[attr-defined]
    return add
