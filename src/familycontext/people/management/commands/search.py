"""familycontext search — find people from the terminal, one at a time or a CSV of queries at once.

Operator tools for checking the index after a linkage run and for measuring search quality
(``--batch QUERIES.csv --json`` prints one JSON line per query, all in one process). They
do not write audit entries: they are not a practitioner viewing a person.
"""

from __future__ import annotations

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from familycontext.people.matching import find_people, resolve_identifier
from familycontext.people.models import Person

BATCH_RESULTS = 10


def _date(text: str | None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"date of birth '{text}' is not YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Search people by name and date of birth, by CMS case id or NHS number, or a CSV of queries."

    def add_arguments(self, parser):
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--date-of-birth", default="", help="YYYY-MM-DD")
        parser.add_argument("--id", default="", help="CMS case id or NHS number")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--batch", metavar="QUERIES.csv",
                            help="CSV with query_id,first_name,last_name,date_of_birth")
        parser.add_argument("--json", action="store_true", help="One JSON line per query")

    def handle(self, *args, **options):
        if options["batch"]:
            self._batch(options["batch"], as_json=options["json"])
            return
        if options["id"]:
            person_id = resolve_identifier(options["id"])
            if options["json"]:
                self.stdout.write(json.dumps({"person_id": person_id}))
            else:
                self.stdout.write(person_id or "No person has that CMS case id or NHS number")
            return
        matches = find_people(options["first_name"], options["last_name"], _date(options["date_of_birth"]),
                              limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps({"results": [{"person_id": m.person_id, "score": m.score,
                                                       "strength": m.strength} for m in matches]}))
            return
        people = Person.objects.in_bulk([m.person_id for m in matches])
        table = Table(title=f"{len(matches)} found")
        for column in ("Person", "CMS id", "First name", "Family name", "Date of birth", "Address",
                       "Match", "Score"):
            table.add_column(column)
        for m in matches:
            p = people.get(m.person_id)
            table.add_row(m.person_id, (p.cms_id if p else "") or "Not in CMS", p.first_name if p else "",
                          p.last_name if p else "", str(m.date_of_birth or ""),
                          p.address_first_line if p else "", m.strength, f"{m.score:.3f}")
        Console(file=self.stdout, highlight=False, width=160).print(table)

    def _batch(self, path: str, *, as_json: bool) -> None:
        try:
            handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        with handle:
            reader = csv.DictReader(handle)
            missing = {"query_id", "first_name", "last_name"} - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            for row in reader:
                matches = find_people(row["first_name"] or "", row["last_name"] or "",
                                      _date(row.get("date_of_birth")), limit=BATCH_RESULTS)
                results = [{"person_id": m.person_id, "score": m.score} for m in matches]
                if as_json:
                    self.stdout.write(json.dumps({"query_id": row["query_id"], "results": results}))
                else:
                    best = results[0]["person_id"] if results else "-"
                    self.stdout.write(f"{row['query_id']}\t{best}\t{len(results)} found")
