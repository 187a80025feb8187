"""Related individuals (SPEC 5.4): people linked to a person in the case management system, and
people whom another source records at the same address.
"""

from __future__ import annotations

from dataclasses import dataclass

from familycontext.identity import addresses, postcodes
from familycontext.ops.plain_sql import ModelReader
from familycontext.people.models import Person
from familycontext.people.relationships import RelationshipWords, relationship_words
from familycontext.sources.models import CmsRelationship, Snapshot, SourceRecord
from familycontext.sources.services import CMS


def normalise_postcode(postcode: str) -> str:
    return postcodes.compact(postcode)


def normalise_address(address: str) -> str:
    """'12, High St.' -> '12 high street' (identity.addresses: the table linkage uses too)."""
    return addresses.normalised(address)


same_place = addresses.same_home


@dataclass(frozen=True)
class LinkedPerson:
    """One related individual; ``person`` is None when the record is not linked to a person.

    ``words``: what they are to the page's person, in the reader's words with the CMS's own word
    kept (``people.relationships``); ``relationship`` is the text every channel shows.
    """

    words: RelationshipWords
    person: Person | None
    cms_id: str

    @property
    def relationship(self) -> str:
        return self.words.text


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
    found: list[tuple[str, bool, int, str]] = []  # (relationship, recorded on the other's record, snapshot, other record id)
    others: dict[tuple[int, str], str] = {}  # (snapshot, record id) -> its person id
    people: dict[str, Person] = {}
    # Plain statements, two per CMS snapshot (the ORM took four, and their building cost more
    # than the database's work on every person page: docs/adr/0002).
    connection = _PEOPLE.database()
    q = connection.ops.quote_name
    rel, rec = q(CmsRelationship._meta.db_table), q(SourceRecord._meta.db_table)
    for snapshot_id, own in by_snapshot.items():
        own_ids = sorted(own)
        marks = ", ".join(["%s"] * len(own_ids))
        with connection.cursor() as cursor:
            # Relationships recorded on this person's records first, then those recorded on
            # others' records naming this person; r.snapshot_id lets PostgreSQL use the
            # (snapshot, record_id) index, and cmsrel_related_record serves the second part.
            cursor.execute(
                f"SELECT 0, c.{q('relationship')}, c.{q('related_record_id')} FROM {rel} c "
                f"JOIN {rec} r ON r.{q('id')} = c.{q('record_id')} "
                f"WHERE c.{q('snapshot_id')} = %s AND r.{q('snapshot_id')} = %s AND r.{q('record_id')} IN ({marks}) "
                f"UNION ALL "
                f"SELECT 1, c.{q('relationship')}, r.{q('record_id')} FROM {rel} c "
                f"JOIN {rec} r ON r.{q('id')} = c.{q('record_id')} "
                f"WHERE c.{q('snapshot_id')} = %s AND c.{q('related_record_id')} IN ({marks})",
                [snapshot_id, snapshot_id, *own_ids, snapshot_id, *own_ids])
            rows = sorted(cursor.fetchall(), key=lambda row: row[0])  # stable: keeps the order within
        for reverse, relationship, other in rows:
            found.append((relationship, bool(reverse), snapshot_id, other))
        wanted = sorted({f[3] for f in found if f[2] == snapshot_id})
        if not wanted:
            continue
        # The other records and their people in one statement.
        for person_row, (record_id, person_id) in _PEOPLE.fetch(
                f"FROM {rec} r LEFT JOIN {_PEOPLE.table(connection)} ON t.{q('id')} = r.{q('person_id')} "
                f"WHERE r.{q('snapshot_id')} = %s AND r.{q('record_id')} IN ({', '.join(['%s'] * len(wanted))})",
                [snapshot_id, *wanted], extra=f"r.{q('record_id')}, r.{q('person_id')}", connection=connection):
            others[(snapshot_id, record_id)] = person_id
            if person_id and person_row.pk is not None:
                people[person_id] = person_row
    result: list[LinkedPerson] = []
    seen: set[str] = set()
    # A person appears once: the relationship recorded on this person's own record comes first
    # in ``found`` and wins over the reciprocal one recorded on the other person's record.
    for relationship, reverse, snapshot_id, record_id in found:
        other = people.get(others.get((snapshot_id, record_id)) or "")
        if other is not None and other.id == person.id:
            continue
        key = other.id if other else record_id
        if key in seen:
            continue
        seen.add(key)
        words = relationship_words(relationship, recorded_on_page_person=not reverse,
                                   other_gender=other.gender if other else None)
        result.append(LinkedPerson(words, other, other.cms_id if other and other.cms_id else record_id))
    return sorted(result, key=_by_age)


def _by_age(item: LinkedPerson) -> tuple:
    p = item.person
    return (p is None, p.date_of_birth is None if p else True,
            p.date_of_birth.toordinal() if p and p.date_of_birth else 0, item.cms_id)


_PEOPLE = ModelReader(Person)


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

    def at_one_of_ours(address: str, postcode: str) -> bool:
        address, postcode = normalise_address(address), normalise_postcode(postcode)
        return any(postcode == pc and same_place(address, a) for a, pc in keys)

    # Plain statements: this runs on every person page, and the ORM's building of these two
    # queries cost more than the database's work (docs/adr/0002). The postcode expression is the one
    # the index sourcerecord_postcode_key is built on, literally, so the index is used.
    connection = _PEOPLE.database()
    q = connection.ops.quote_name
    postcodes = sorted({k[1] for k in keys})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.{q('person_id')}, r.{q('address')}, r.{q('postcode')} "
            f"FROM {q(SourceRecord._meta.db_table)} r JOIN {q(Snapshot._meta.db_table)} s "
            f"ON s.{q('id')} = r.{q('snapshot_id')} "
            f"WHERE s.{q('live')} AND NOT r.{q('restricted')} AND r.{q('person_id')} <> '' "
            f"AND r.{q('person_id')} <> %s "
            f"AND REPLACE(UPPER(r.{q('postcode')}), ' ', '') IN ({', '.join(['%s'] * len(postcodes))})",
            [person.id, *postcodes])
        candidates = cursor.fetchall()
    ids = {pid for pid, address, postcode in candidates if at_one_of_ours(address, postcode)} - (exclude or set())
    if not ids:
        return []
    ids = sorted(ids)
    people = [p for p, _ in _PEOPLE.fetch(
        f"FROM {_PEOPLE.table(connection)} WHERE t.{q('id')} IN ({', '.join(['%s'] * len(ids))}) "
        f"AND NOT t.{q('restricted')}", ids, connection=connection)]
    return sorted(people, key=lambda p: (p.date_of_birth is None,
                                         p.date_of_birth.toordinal() if p.date_of_birth else 0, p.id))
