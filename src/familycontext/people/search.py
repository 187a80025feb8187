"""Finding people for the pages (SPEC 5.2, 7): a thin layer over ``people.matching``.

The pages ask for Person rows in match order; the matcher works on the search index and
returns ids with a score and a strength in words. This module joins the two, so the pages
never know how matching works.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date

from familycontext.ops.plain_sql import ModelReader
from familycontext.people.matching import Match, evidence_in_words, find_people, resolve_identifier
from familycontext.people.models import Person

_WILDCARDS = re.compile(r"[*%?_]")
RESULT_LIMIT = 200


def clean_name(value: str) -> str:
    """Drop wildcard characters typed out of habit and squeeze spaces."""
    return " ".join(_WILDCARDS.sub("", value or "").split())


class FoundPeople(Sequence):
    """The people a search found, best first. Person rows are read only for the slice asked for.

    A page of results shows 20 of up to 200 people found: reading all 200 through the ORM cost
    more than the search itself (docs/adr/0002). ``len()`` counts them all without reading any;
    slicing (as Django's ``Paginator`` does) reads that slice's people in one plain statement.
    Each Person carries ``match_strength`` (words, e.g. "Strong match"), ``match_evidence`` (what
    it rests on, e.g. "Exact name, no date of birth recorded") and ``match_score`` (0–1).
    """

    def __init__(self, matches: list[Match]):
        self.matches = matches

    def __len__(self) -> int:
        return len(self.matches)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return _people_for(self.matches[index])
        return _people_for([self.matches[index]])[0]

    def __iter__(self) -> Iterator[Person]:
        return iter(_people_for(self.matches))


def search_people(first_name: str, last_name: str, date_of_birth: date | None = None) -> FoundPeople:
    """People matching the names (and date of birth), strongest first (``matching.result_order``)."""
    return FoundPeople(find_people(clean_name(first_name), clean_name(last_name), date_of_birth,
                                   limit=RESULT_LIMIT))


_PERSON = ModelReader(Person)


def _people_for(matches: list[Match]) -> list[Person]:
    if not matches:
        return []
    connection = _PERSON.database()
    rows = _PERSON.fetch(f"FROM {_PERSON.table(connection)} WHERE t.id IN ({', '.join(['%s'] * len(matches))})",
                         [m.person_id for m in matches], connection=connection)
    people = {person.id: person for person, _ in rows}
    found = []
    for match in matches:
        person = people.get(match.person_id)
        if person is None:  # the index and the read model are rebuilt together; be safe anyway
            continue
        person.match_strength = match.strength
        person.match_score = match.score
        person.match_evidence = evidence_in_words(match)
        found.append(person)
    return found


def find_by_identifier(text: str) -> Person | None:
    """The person with this case management system id or NHS number (spaces allowed), if exactly one."""
    person_id = resolve_identifier(text or "")
    return Person.objects.filter(pk=person_id).first() if person_id else None
