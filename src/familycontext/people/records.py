"""What the live source records say about one person: other names and addresses with their source."""

from __future__ import annotations

from dataclasses import dataclass

from familycontext.people.models import Person
from familycontext.sources.models import SourceRecord


@dataclass(frozen=True)
class SourcedAddress:
    """An address as one record writes it, and every source that holds it."""

    address: str
    postcode: str
    sources: tuple[str, ...]

    @property
    def text(self) -> str:
        return ", ".join(part for part in (self.address, self.postcode) if part)


def live_records(person_id: str):
    """The person's source records in live snapshots, with their source."""
    return (
        SourceRecord.objects.filter(snapshot__live=True, person_id=person_id)
        .select_related("snapshot__source")
        .order_by("snapshot__source__name", "record_id")
    )


def other_names(person: Person, records=None) -> list[str]:
    """Every name a source knows the person by, other than the name shown at the top."""
    records = live_records(person.id) if records is None else records
    main = person.full_name.casefold()
    seen: dict[str, str] = {}
    for record in records:
        names = [f"{record.first_name} {record.last_name}".strip()]
        names += [n.strip() for n in record.other_names.replace(";", ",").split(",")]
        for name in names:
            key = " ".join(name.split()).casefold()
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
    return [
        SourcedAddress(g["record"].address, g["record"].postcode, tuple(g["sources"])) for g in groups
    ]
