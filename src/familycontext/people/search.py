"""Finding people for the pages (SPEC 5.2, 7): a thin layer over ``people.matching``.

The pages ask for Person rows in match order; the matcher works on the search index and
returns ids with a score and a strength in words. This module joins the two, so the pages
never know how matching works.
"""

from __future__ import annotations

import re
from datetime import date

from familycontext.people.matching import find_people, resolve_identifier
from familycontext.people.models import Person

_WILDCARDS = re.compile(r"[*%?_]")
RESULT_LIMIT = 200


def clean_name(value: str) -> str:
    """Drop wildcard characters typed out of habit and squeeze spaces."""
    return " ".join(_WILDCARDS.sub("", value or "").split())


def search_people(first_name: str, last_name: str, date_of_birth: date | None = None) -> list[Person]:
    """People matching the names (and date of birth), best match first, ties youngest first.

    Each Person returned carries ``match_strength`` (words, e.g. "Strong match") and ``match_score`` (0–1).
    """
    matches = find_people(clean_name(first_name), clean_name(last_name), date_of_birth, limit=RESULT_LIMIT)
    people = Person.objects.in_bulk([m.person_id for m in matches])
    found = []
    for match in matches:
        person = people.get(match.person_id)
        if person is None:  # the index and the read model are rebuilt together; be safe anyway
            continue
        person.match_strength = match.strength
        person.match_score = match.score
        found.append(person)
    return found


def find_by_identifier(text: str) -> Person | None:
    """The person with this case management system id or NHS number (spaces allowed), if exactly one."""
    person_id = resolve_identifier(text or "")
    return Person.objects.filter(pk=person_id).first() if person_id else None
