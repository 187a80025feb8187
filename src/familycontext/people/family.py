"""Related individuals (SPEC 5.4): people linked to a person in the case management system, and
people whom another source records at the same address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Value
from django.db.models.functions import Replace, Upper

from familycontext.people.models import Person
from familycontext.sources.models import CmsRelationship, SourceRecord
from familycontext.sources.services import CMS

_PUNCTUATION = re.compile(r"[^\w\s]")
_ABBREVIATIONS = {
    "st": "street", "rd": "road", "ave": "avenue", "av": "avenue", "ln": "lane", "dr": "drive",
    "cl": "close", "ct": "court", "cres": "crescent", "gdns": "gardens", "pl": "place",
    "sq": "square", "ter": "terrace", "terr": "terrace", "gr": "grove", "pk": "park",
}


def normalise_postcode(postcode: str) -> str:
    return "".join((postcode or "").split()).upper()


def normalise_address(address: str) -> str:
    """Lower case, punctuation dropped, common abbreviations spelt out, spaces squeezed:
    '12, High St.' -> '12 high street'."""
    words = _PUNCTUATION.sub(" ", (address or "").casefold()).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def same_place(a: str, b: str) -> bool:
    """Two normalised addresses (already known to share a postcode) name the same home when one
    is the start of the other: '12 high street' and '12 high street exampleton'. 'flat 2 12 high
    street' is not '12 high street': a different household."""
    x, y = a.split(), b.split()
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return len(short) >= 2 and long[: len(short)] == short


@dataclass(frozen=True)
class LinkedPerson:
    """One related individual; ``person`` is None when the record is not linked to a person."""

    relationship: str
    person: Person | None
    cms_id: str


def linked_in_cms(person: Person, records: list[SourceRecord] | None = None) -> list[LinkedPerson]:
    """Relationships recorded in the live CMS snapshot, from this person's records and to them.

    ``records``: the person's live records with their snapshot and source, when the caller has
    them already (``people.records.live_records``); saves a query.
    """
    if records is not None:
        records = [r for r in records if r.snapshot.source.service == CMS]
    else:
        records = SourceRecord.objects.filter(
            snapshot__live=True, snapshot__source__service=CMS, person_id=person.id
        )
    by_snapshot: dict[int, set[str]] = {}
    for r in records:
        by_snapshot.setdefault(r.snapshot_id, set()).add(r.record_id)
    found: list[tuple[str, int, str]] = []  # (relationship, snapshot, other record id)
    for snapshot_id, own in by_snapshot.items():
        rows = CmsRelationship.objects.filter(snapshot_id=snapshot_id)
        # record__snapshot_id lets PostgreSQL use the (snapshot, record_id) index (issue 9).
        for row in rows.filter(record__snapshot_id=snapshot_id, record__record_id__in=own).select_related("record"):
            found.append((row.relationship, snapshot_id, row.related_record_id))
        for row in rows.filter(related_record_id__in=own).select_related("record"):
            found.append((f"Has this person as: {row.relationship}", snapshot_id, row.record.record_id))
    others = {
        (r.snapshot_id, r.record_id): r
        for snapshot_id in by_snapshot
        for r in SourceRecord.objects.filter(
            snapshot_id=snapshot_id, record_id__in={f[2] for f in found if f[1] == snapshot_id}
        )
    }
    people = Person.objects.in_bulk({r.person_id for r in others.values() if r.person_id})
    result: list[LinkedPerson] = []
    seen: set[str] = set()
    # A person appears once: the relationship recorded on this person's own record comes first
    # in ``found`` and wins over the reciprocal one recorded on the other person's record.
    for relationship, snapshot_id, record_id in found:
        record = others.get((snapshot_id, record_id))
        other = people.get(record.person_id) if record else None
        if other is not None and other.id == person.id:
            continue
        key = other.id if other else record_id
        if key in seen:
            continue
        seen.add(key)
        result.append(LinkedPerson(relationship, other, other.cms_id if other and other.cms_id else record_id))
    return sorted(result, key=_by_age)


def _by_age(item: LinkedPerson) -> tuple:
    p = item.person
    return (p is None, p.date_of_birth is None if p else True,
            p.date_of_birth.toordinal() if p and p.date_of_birth else 0, item.cms_id)


def same_address(person: Person, exclude: set[str] | None = None,
                 records: list[SourceRecord] | None = None) -> list[Person]:
    """Other people with a live source record at one of this person's addresses.

    Restricted people are never listed: listing them would disclose where they live.
    ``records``: the person's live records, when the caller has them already; saves a query.
    """
    own = records if records is not None else SourceRecord.objects.filter(
        snapshot__live=True, person_id=person.id)
    keys = {
        (normalise_address(r.address), normalise_postcode(r.postcode))
        for r in own
        if r.address and r.postcode
    }
    if not keys:
        return []

    def at_one_of_ours(record: SourceRecord) -> bool:
        address, postcode = normalise_address(record.address), normalise_postcode(record.postcode)
        return any(postcode == pc and same_place(address, a) for a, pc in keys)

    candidates = (
        SourceRecord.objects.filter(snapshot__live=True, restricted=False)
        .exclude(person_id="")
        .exclude(person_id=person.id)
        .annotate(pc=Replace(Upper("postcode"), Value(" "), Value("")))
        .filter(pc__in={k[1] for k in keys})
    )
    # Only the three columns compared: building whole records cost more than the query (issue 9).
    candidates = candidates.only("person_id", "address", "postcode")
    ids = {r.person_id for r in candidates if at_one_of_ours(r)} - (exclude or set())
    people = Person.objects.filter(id__in=ids, restricted=False)
    return sorted(people, key=lambda p: (p.date_of_birth is None,
                                         p.date_of_birth.toordinal() if p.date_of_birth else 0, p.id))
