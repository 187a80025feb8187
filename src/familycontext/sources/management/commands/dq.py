"""familycontext dq BUNDLE — the data-quality report of a bundle without loading it (nothing is written)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from rich.console import Console
from rich.markup import escape

from familycontext.sources.display import quality_table
from familycontext.sources.errors import BundleError
from familycontext.sources.loader import find_parts, parse_part
from familycontext.sources.models import Source
from familycontext.sources.quality import quality_report


def _live(source_key: str):
    """The live snapshot to compare record counts with; none when the database is not set up."""
    try:
        source = Source.objects.filter(key=source_key).first()
        return source.live_snapshot if source else None
    except DatabaseError:
        return None


class Command(BaseCommand):
    help = "Print the data-quality report (SPEC 3.1) of a bundle without loading it. Writes nothing."

    def add_arguments(self, parser):
        parser.add_argument("bundle", type=Path)
        parser.add_argument("--mapping", help="A shipped mapping name or a .toml file")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON")

    def handle(self, *args, bundle: Path, mapping: str | None = None, json: bool = False, **options):
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        today = timezone.localdate()
        try:
            reports = []
            for part in find_parts(bundle, mapping=mapping):
                parsed = parse_part(part, today=today)
                reports.append(quality_report(parsed, today=today, previous=_live(part.manifest.source_key)))
        except BundleError as exc:
            raise CommandError(f"{exc}") from None
        if json:
            self.stdout.write(_dumps(reports[0] if len(reports) == 1 else reports))
            return
        for report in reports:
            console.print(quality_table(report))
            if report["rows_rejected"]:
                console.print(escape(f"{report['rows_rejected']} rows would be quarantined "
                                     f"({report['rejected_share']:.1%} of {report['rows_read']})"))


def _dumps(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
