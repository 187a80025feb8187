"""familycontext search — find people from the terminal, one at a time or a CSV of queries at once.

Operator tools for checking the index after a linkage run and for measuring search quality
(``--batch QUERIES.csv --json`` prints one JSON line per query, all in one process). They
do not write audit entries: they are not a practitioner viewing a person.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from familycontext.identity.dates import typed as date_of_birth
from familycontext.people.matching import find_people, resolve_identifier
from familycontext.people.models import Person

BATCH_RESULTS = 10


def _date(text: str | None) -> date | None:
    try:
        return date_of_birth(text, today=date.today())
    except ValueError as exc:
        raise CommandError(f"date of birth '{(text or '').strip()}' {exc}") from exc


# Other names spreadsheets give the columns (after the spelling is evened out as below).
_SYNONYMS = {"forename": "first_name", "forenames": "first_name", "given_name": "first_name",
             "surname": "last_name", "family_name": "last_name",
             "dob": "date_of_birth", "birth_date": "date_of_birth", "id": "query_id"}


def _header(name: str | None) -> str:
    """"First Name", " first-name ", "FIRST_NAME" and "Forename" are all the first_name column."""
    plain = "_".join((name or "").strip().casefold().replace("-", " ").split())
    return _SYNONYMS.get(plain, plain)


def _read_text(path: str) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel saves it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class Command(BaseCommand):
    help = "Search people by name and date of birth, by CMS case id or NHS number, or a CSV of queries."

    def add_arguments(self, parser):
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--date-of-birth", default="", help="03/04/2011 (day first) or 2011-04-03")
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
        """One line per query row; a bad row is reported on stderr by row and field, and the rest still run."""
        rows = csv.reader(io.StringIO(_read_text(path), newline=""))
        try:
            header = [_header(name) for name in next(rows, [])]
        except csv.Error as exc:
            raise CommandError(f"{path}: the header line is not readable CSV ({exc})") from exc
        missing = {"query_id", "first_name", "last_name"} - set(header)
        if missing:
            raise CommandError(f"{path}: missing column(s) {', '.join(sorted(missing))} "
                               f"(needs query_id,first_name,last_name and optionally date_of_birth)")
        column = {name: header.index(name) for name in header}  # the first of a repeated name
        problems = 0
        line = 1
        while True:
            try:
                values = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                problems += 1
                self.stderr.write(f"{path}: row {rows.line_num}: not readable CSV ({exc}); skipped")
                continue
            line = rows.line_num
            if not any(v.strip() for v in values):
                continue  # a blank row, or one of only commas
            row = {name: values[i].strip() if i < len(values) else "" for name, i in column.items()}
            label = f"row {line} (query_id {row['query_id']!r})" if row["query_id"] else f"row {line}"
            if not row["query_id"]:
                problems += 1
                self.stderr.write(f"{path}: {label}: query_id is empty; skipped")
                continue
            dob = None
            try:
                dob = date_of_birth(row.get("date_of_birth"), today=date.today())
            except ValueError as exc:
                problems += 1
                self.stderr.write(f"{path}: {label}: date_of_birth {row['date_of_birth']!r} {exc}; "
                                  "searched by name only")
            try:
                matches = find_people(row["first_name"], row["last_name"], dob, limit=BATCH_RESULTS)
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
                problems += 1
                self.stderr.write(f"{path}: {label}: could not search ({type(exc).__name__}: {exc})")
                matches = []
            results = [{"person_id": m.person_id, "score": m.score} for m in matches]
            if as_json:
                self.stdout.write(json.dumps({"query_id": row["query_id"], "results": results}))
            else:
                best = results[0]["person_id"] if results else "-"
                self.stdout.write(f"{row['query_id']}\t{best}\t{len(results)} found")
        if problems:
            self.stderr.write(f"{path}: {problems} row(s) had problems, reported above")
