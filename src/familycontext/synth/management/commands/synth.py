"""``familycontext synth``: write a synthetic local authority's extracts and ground truth."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familycontext.synth import generate


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date like 2025-04-01, not {value!r}") from exc


class Command(BaseCommand):
    help = "Generate a synthetic borough: one bundle per service under --out, plus truth.csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="real individuals in the borough")
        parser.add_argument("--seed", type=int, default=1, help="same seed and date, same bytes")
        parser.add_argument("--out", required=True, help="folder to write the bundles into")
        parser.add_argument("--as-of", dest="as_of", default=None,
                            help="date the extracts are current as of (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 1:
            raise CommandError("--people must be at least 1")
        as_of = _iso_date(options["as_of"]) if options["as_of"] else date.today()
        show = sys.stdout.isatty() or options["verbosity"] > 1
        summary = generate(people=options["people"], seed=options["seed"], out=options["out"],
                           as_of=as_of, progress=show)
        self.stdout.write(f"{summary.people:,} people, {summary.total_rows:,} rows "
                          f"({summary.truth_rows:,} person records) in {summary.seconds:.1f}s "
                          f"written to {options['out']}")
        if options["verbosity"] > 1:
            for name, rows in summary.rows.items():
                self.stdout.write(f"  {name}.csv: {rows:,} rows")
