"""The search index (SPEC 7): every name a person is known by, as keys a plain B-tree can find.

Search must stay fast at a million people on SQLite and PostgreSQL alike, with no engine
extensions. So instead of scanning names, it looks up *blocking keys*: short strings made from
two words of one known name (exact, by sound, by nickname, by initial, one exact with the
other's first letter left off), plus each date of
birth and identifier. A query makes the same keys from what was typed and fetches the few
people who share one; ``people.matching`` ranks them in Python. Pairs of words, not single
words, keep each key selective: "smith" alone is ten thousand people, "john|smith" a handful.

Rebuilt whole from the live source records after every linkage run, in the same transaction
as the people read model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import combinations, groupby
from typing import Any

from django.db import connection

from familycontext.identity import nhs
from familycontext.identity.names import Word, nickname_forms, words
from familycontext.identity.names import sound as phonetic
from familycontext.people.models import NameKey, SearchEntry
from familycontext.people.priority import SOURCE_PRIORITY
from familycontext.sources.models import SourceRecord

RECORD_FIELDS = ("person_id", "record_id", "first_name", "last_name", "other_names", "date_of_birth",
                 "nhs_number", "snapshot__source__service")
MAX_WORDS = 5  # more words than this in one name adds keys, not findability
_OTHER_NAMES = re.compile(r"[;,|]")

KnownName = tuple[list[Word], list[Word]]  # given words, family words


def pair_keys(name_words: list[Word]) -> set[tuple[str, str]]:
    """(kind, key) for every pair of words of one name, in either order.

    The same function makes the keys of a query, so index and query always agree.
    """
    keys: set[tuple[str, str]] = set()
    for left, right in combinations(name_words[:MAX_WORDS], 2):
        for a in left.forms:
            for b in right.forms:
                if a == b:
                    continue
                keys.add(("e", "|".join(sorted((a, b)))))
                keys.add(("p", "|".join(sorted((phonetic(a), phonetic(b))))))
                for x, y in ((a, b), (b, a)):
                    keys.add(("i", f"{x}|{y[0]}"))
                    keys.update(("k", f"{form}|{phonetic(y)}") for form in nickname_forms(x))
                    if len(y) >= 3:
                        keys.add(("s", f"{x}|{y[1:]}"))
    return keys


def first_letter_keys(name_words: list[Word]) -> set[tuple[str, str]]:
    """Query-side keys for a slip in a word's *first* letter, which every other key needs right.

    With one word exact: the other's first letter wrong ("Pllen" for Allen) meets the index's
    "s" key (the other word without its first letter); dropped ("Rmstrong") is the typed word
    against that key; one added in front ("Aallen") is the typed word without its first letter,
    as an exact pair. Without a date of birth these are the only way to find such a slip.
    """
    keys: set[tuple[str, str]] = set()
    for left, right in combinations(name_words[:MAX_WORDS], 2):
        for x, y in ((left.joined, right.joined), (right.joined, left.joined)):
            if len(y) >= 3:
                keys.add(("s", f"{x}|{y[1:]}"))
                keys.add(("e", "|".join(sorted((x, y[1:])))))
            if len(y) >= 2:
                keys.add(("s", f"{x}|{y}"))
    return keys


def nickname_initial_keys(name_words: list[Word], most: int = 12) -> set[tuple[str, str]]:
    """Query-side only: initial-letter keys with each formal or nickname form of a typed word.

    The index already holds "arthur|w" for Arthur Wlal (a word exact, the other's initial), so
    "Art Wall" finds him through "arthur|w" without a single extra index row. A word with more
    than ``most`` forms ("Al": a dozen formal names) adds none: too many people each.
    """
    keys: set[tuple[str, str]] = set()
    for left, right in combinations(name_words[:MAX_WORDS], 2):
        for x, y in ((left, right), (right, left)):
            forms = nickname_forms(x.joined) - {x.joined}
            if len(forms) <= most:
                keys.update(("i", f"{form}|{y.joined[0]}") for form in forms)
    return keys


def known_names(record: dict[str, Any]) -> list[KnownName]:
    """The record's own name, then each other name ("Mary Smith": the last word is the family name)."""
    found = [(words(record["first_name"]), words(record["last_name"]))]
    for other in _OTHER_NAMES.split(record.get("other_names") or ""):
        other_words = words(other)
        if other_words:
            found.append((other_words[:-1], other_words[-1:]))
    return [name for name in found if name[0] or name[1]]


def _encode(name: KnownName) -> str:
    given, family = name
    return "/".join(" ".join(form for word in part for form in word.forms) for part in (given, family))


def person_entry(person_id: str, records: Iterable[dict[str, Any]]) -> tuple[SearchEntry, set[tuple[str, str]]]:
    """The ranking row and the lookup keys for one person, from all their live records."""
    ordered = sorted(records, key=lambda r: SOURCE_PRIORITY.get(r.get("snapshot__source__service", ""), 9))
    names: dict[str, KnownName] = {}
    keys: set[tuple[str, str]] = set()
    dobs: list[date] = []
    for record in ordered:
        for name in known_names(record):
            encoded = _encode(name)
            if encoded not in names:
                names[encoded] = name
                keys |= pair_keys(name[0] + name[1])
        dob = record.get("date_of_birth")
        if dob and dob not in dobs:
            dobs.append(dob)
            keys.add(("d", dob.isoformat()))
        number = nhs.valid(record.get("nhs_number"))
        if number:
            keys.add(("n", number))
        if record.get("snapshot__source__service") == "cms" and record.get("record_id"):
            keys.add(("c", identifier_key(record["record_id"])))
    entry = SearchEntry(
        person_id=person_id,
        names=";".join(names),
        dates_of_birth=",".join(d.isoformat() for d in dobs[:12]),
        date_of_birth=dobs[0] if dobs else None,
    )
    return entry, keys


def identifier_key(text: str) -> str:
    """Case ids compare without case or spaces: "cms 0012345" is "CMS0012345"."""
    return "".join((text or "").split()).casefold()


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    # Plain parameterised INSERT through Django's connection: portable, and several times faster
    # than building millions of model instances for bulk_create.
    if not rows:
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def write_index(people: Iterable[tuple[str, Iterable[dict[str, Any]]]], batch: int = 20_000) -> int:
    """Replace the index with entries for ``people`` (person id, that person's record dicts).

    Callers hold the transaction. Returns the number of people indexed.
    """
    NameKey.objects.all().delete()
    SearchEntry.objects.all().delete()
    return _write_entries(people, batch)


def reindex_people(person_ids: Iterable[str], people: Iterable[tuple[str, Iterable[dict[str, Any]]]]) -> int:
    """Replace the entries of ``person_ids`` only with entries for ``people`` (a decision
    re-formed a few people). Callers hold the transaction."""
    person_ids = list(person_ids)
    NameKey.objects.filter(person_id__in=person_ids).delete()
    SearchEntry.objects.filter(person_id__in=person_ids).delete()
    return _write_entries(people, 20_000)


def _write_entries(people: Iterable[tuple[str, Iterable[dict[str, Any]]]], batch: int) -> int:
    key_table, key_columns = NameKey._meta.db_table, ("person_id", "kind", "key")
    entry_table = SearchEntry._meta.db_table
    entry_columns = ("person_id", "names", "dates_of_birth", "date_of_birth")
    count = 0
    entries: list[tuple[Any, ...]] = []
    key_rows: list[tuple[str, str, str]] = []
    for person_id, records in people:
        entry, keys = person_entry(person_id, records)
        entries.append((entry.person_id, entry.names, entry.dates_of_birth, entry.date_of_birth))
        key_rows.extend((person_id, kind, key[:120]) for kind, key in keys)
        count += 1
        if len(entries) >= batch:
            _insert(entry_table, entry_columns, entries)
            _insert(key_table, key_columns, key_rows)
            entries, key_rows = [], []
    _insert(entry_table, entry_columns, entries)
    _insert(key_table, key_columns, key_rows)
    return count


def _live_records(batch: int) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    rows = (
        SourceRecord.objects.filter(snapshot__live=True)
        .exclude(person_id="")
        .order_by("person_id")
        .values(*RECORD_FIELDS)
        .iterator(chunk_size=batch)
    )
    return groupby(rows, key=lambda r: r["person_id"])


def rebuild_search_index(batch: int = 5000) -> int:
    """Rebuild the index from the live, linked source records; returns the number of people indexed."""
    return write_index(_live_records(batch))
