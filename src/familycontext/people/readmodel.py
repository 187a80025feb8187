"""Rebuild the people read model from the live source records after a linkage run.

Display values for a person come from the most authoritative record: the CMS first (its case
id is how social workers know a child), then school, ASC, housing, police; within a source the
most complete record. Rebuilt whole in one transaction, so pages never see half a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django.db import transaction

from familycontext.people.models import Person
from familycontext.people.priority import SOURCE_PRIORITY
from familycontext.sources.models import SourceRecord

FIELDS = ("person_id", "record_id", "first_name", "last_name", "date_of_birth", "gender", "address", "postcode",
          "nhs_number", "restricted", "snapshot__source__service")


def _completeness(r: dict[str, Any]) -> int:
    return sum(bool(r[k]) for k in ("first_name", "last_name", "date_of_birth", "address", "postcode"))


def person_from_records(person_id: str, records: Iterable[dict[str, Any]]) -> Person:
    ordered = sorted(records, key=lambda r: (SOURCE_PRIORITY.get(r["snapshot__source__service"], 9), -_completeness(r)))
    best = ordered[0]

    def first(field: str) -> Any:
        return next((r[field] for r in ordered if r[field]), best[field])

    cms = [r["record_id"] for r in ordered if r["snapshot__source__service"] == "cms"]
    return Person(
        id=person_id,
        first_name=first("first_name"),
        last_name=first("last_name"),
        date_of_birth=first("date_of_birth"),
        gender=next((r["gender"] for r in ordered if r["gender"] not in ("", "Unknown")), "Unknown"),
        cms_id=cms[0] if cms else "",
        address=first("address"),
        postcode=first("postcode"),
        nhs_number=first("nhs_number") or "",
        restricted=any(r["restricted"] for r in ordered),
        record_count=len(ordered),
    )


def rebuild_people_for(person_ids: Iterable[str]) -> int:
    """Replace the Person rows and search entries of ``person_ids`` only (the people a review
    decision re-formed, old ids and new), from their live records, as ``rebuild_people`` does
    for everyone; inside the caller's transaction, so pages see all of it or none. Returns
    the number of those people that still exist."""
    from familycontext.people.index import (  # late: index imports this module
        RECORD_FIELDS,
        reindex_people,
    )

    person_ids = sorted(set(person_ids))
    with transaction.atomic():
        Person.objects.filter(pk__in=person_ids).delete()
        rows = list(
            SourceRecord.objects.filter(snapshot__live=True, person_id__in=person_ids)
            .order_by("person_id")
            .values(*dict.fromkeys((*FIELDS, *RECORD_FIELDS)))
        )
        people = [(p, list(records)) for p, records in groupby(rows, key=lambda r: r["person_id"])]
        Person.objects.bulk_create(person_from_records(p, records) for p, records in people)
        reindex_people(person_ids, people)
    return len(people)


def rebuild_people(batch: int = 5000) -> int:
    """Replace every Person row from the live, linked source records; returns the number of people."""
    rows = (
        SourceRecord.objects.filter(snapshot__live=True)
        .exclude(person_id="")
        .order_by("person_id")
        .values(*FIELDS)
        .iterator(chunk_size=batch)
    )
    count = 0
    with transaction.atomic():
        Person.objects.all().delete()
        pending: list[Person] = []
        for person_id, records in groupby(rows, key=lambda r: r["person_id"]):
            pending.append(person_from_records(person_id, records))
            if len(pending) >= batch:
                Person.objects.bulk_create(pending)
                count += len(pending)
                pending = []
        Person.objects.bulk_create(pending)
        count += len(pending)
        from familycontext.people.index import (
            rebuild_search_index,  # late: index imports this module
        )

        rebuild_search_index(batch)
    return count
