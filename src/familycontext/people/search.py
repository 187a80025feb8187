"""Finding people (SPEC 7). A deliberately simple first version, kept behind one function so a
better matcher (typos, nicknames, phonetics, day/month swaps) can replace it without touching
the pages: exact names, case-insensitive, in either order, across every name any live source
record holds for the person, optionally filtered by date of birth.
"""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Q

from familycontext.people.models import Person
from familycontext.sources.models import SourceRecord

_WILDCARDS = re.compile(r"[*%?_]")

# Match strengths: higher is a better match.
SAME_ORDER = 3
SWAPPED = 2
OTHER_RECORD = 1


def clean_name(value: str) -> str:
    """Drop wildcard characters typed out of habit and squeeze spaces."""
    return " ".join(_WILDCARDS.sub("", value or "").split())


def search_people(first_name: str, last_name: str, date_of_birth: date | None = None) -> list[Person]:
    """People whose names match, best first, ties youngest first.

    Each Person returned carries ``match_strength`` (an int, higher is better).
    """
    first, last = clean_name(first_name), clean_name(last_name)
    if not first or not last:
        return []
    people = Person.objects.filter(
        Q(first_name__iexact=first, last_name__iexact=last)
        | Q(first_name__iexact=last, last_name__iexact=first)
    )
    record_ids = (
        SourceRecord.objects.filter(snapshot__live=True)
        .exclude(person_id="")
        .filter(
            Q(first_name__iexact=first, last_name__iexact=last)
            | Q(first_name__iexact=last, last_name__iexact=first)
        )
        .values_list("person_id", flat=True)
    )
    candidates = {p.id: p for p in people}
    for p in Person.objects.filter(id__in=set(record_ids)).exclude(id__in=list(candidates)):
        candidates[p.id] = p
    found = []
    for person in candidates.values():
        if date_of_birth is not None and person.date_of_birth != date_of_birth:
            continue
        if person.first_name.lower() == first.lower() and person.last_name.lower() == last.lower():
            person.match_strength = SAME_ORDER
        elif person.first_name.lower() == last.lower() and person.last_name.lower() == first.lower():
            person.match_strength = SWAPPED
        else:
            person.match_strength = OTHER_RECORD
        found.append(person)
    found.sort(key=_rank)
    return found


def _rank(person: Person) -> tuple:
    # Best match first; then youngest first (latest date of birth); unknown dates of birth last.
    dob = person.date_of_birth
    return (-person.match_strength, dob is None, -(dob.toordinal() if dob else 0),
            person.last_name.lower(), person.first_name.lower(), person.id)


def find_by_cms_id(cms_id: str) -> Person | None:
    """The person whose case management system id this is (exact, ignoring surrounding spaces)."""
    cms_id = (cms_id or "").strip()
    if not cms_id:
        return None
    return Person.objects.filter(cms_id__iexact=cms_id).order_by("id").first()
