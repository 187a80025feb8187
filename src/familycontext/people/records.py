"""What the live source records say about one person: other names and addresses with their source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from familycontext.identity import names as name_rules
from familycontext.ops.plain_sql import ModelReader
from familycontext.people.models import Person
from familycontext.sources.live import live_snapshots
from familycontext.sources.models import Snapshot, SourceRecord


@dataclass(frozen=True)
class SourcedAddress:
    """An address as one record writes it, and every source that holds it."""

    address: str
    postcode: str
    sources: tuple[str, ...]

    @property
    def text(self) -> str:
        return ", ".join(part for part in (self.address, self.postcode) if part)


_RECORDS = ModelReader(SourceRecord)


def live_records(person_id: str, snapshots: Sequence[Snapshot] | None = None) -> list[SourceRecord]:
    """The person's source records in live snapshots, with their snapshot and source, ordered by
    source name and record id.

    The snapshots come from ``sources.live`` (shared, read-only objects) rather than a join, and
    the records with one plain statement: the ORM's building of this query cost more than the
    rest of the lookup on every person page (docs/adr/0002).
    """
    # In the database's order of source names; ``snapshots``: ``live_snapshots()`` when the
    # caller has read it already this request.
    snapshots = live_snapshots() if snapshots is None else snapshots
    live = {s.id: s for s in snapshots}
    if not live:
        return []
    connection = _RECORDS.database()
    q = connection.ops.quote_name
    records = [record for record, _ in _RECORDS.fetch(
        f"FROM {_RECORDS.table(connection)} WHERE t.{q('person_id')} = %s "
        f"AND t.{q('snapshot_id')} IN ({', '.join(['%s'] * len(live))})",
        [person_id, *live], connection=connection)]
    for record in records:
        record.snapshot = live[record.snapshot_id]
    position = {s.id: n for n, s in enumerate(snapshots)}
    records.sort(key=lambda r: (position[r.snapshot_id], r.record_id))
    return records


def other_names(person: Person, records=None) -> list[str]:
    """Every name a source knows the person by, other than the name shown at the top."""
    records = live_records(person.id) if records is None else records
    main = name_rules.fold(person.full_name)
    seen: dict[str, str] = {}
    for record in records:
        names = [f"{record.first_name} {record.last_name}".strip()]
        names += [n.strip() for n in record.other_names.replace(";", ",").split(",")]
        for name in names:
            key = name_rules.fold(name)  # "Strauß" and "Strauss" are one name
            if key and key != main and key not in seen:
                seen[key] = " ".join(name.split())
    return sorted(seen.values(), key=str.casefold)


def addresses(person: Person, records=None) -> list[SourcedAddress]:
    """Distinct addresses, each with the names of the sources that hold it. Records that write
    one address differently ('12, High St.' and '12 High Street, Exampleton', same postcode) are
    one address, shown in its longest form."""
    from familycontext.people.family import normalise_address, normalise_postcode, same_place

    records = live_records(person.id) if records is None else records
    groups: list[dict] = []  # {"postcode", "normalised", "record", "sources"}
    for record in records:
        if not record.address and not record.postcode:
            continue
        postcode, normalised = normalise_postcode(record.postcode), normalise_address(record.address)
        source = record.snapshot.source.name
        for group in groups:
            if group["postcode"] == postcode and (
                group["normalised"] == normalised or same_place(group["normalised"], normalised)
            ):
                if len(normalised) > len(group["normalised"]):
                    group.update(normalised=normalised, record=record)
                if source not in group["sources"]:
                    group["sources"].append(source)
                break
        else:
            groups.append({"postcode": postcode, "normalised": normalised, "record": record,
                           "sources": [source]})
    # A record with only a postcode is the same home as a record with an address there (issue 17:
    # it no longer makes an address of its own with no text).
    for bare in [g for g in groups if not g["normalised"]]:
        home = next((g for g in groups if g["normalised"] and g["postcode"] == bare["postcode"]), None)
        if home is not None:
            home["sources"].extend(s for s in bare["sources"] if s not in home["sources"])
            groups.remove(bare)
    return [
        SourcedAddress(g["record"].address.strip(), g["record"].postcode.strip(), tuple(g["sources"]))
        for g in groups
    ]
