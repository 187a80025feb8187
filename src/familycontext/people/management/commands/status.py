"""familycontext status [--json] — what is live: each service's snapshot and the number of people."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from familycontext.people.models import Person
from familycontext.sources.models import Load, Snapshot
from familycontext.sources.services import SERVICES


def live_status() -> dict:
    services: dict[str, list[dict]] = {s: [] for s in SERVICES}
    for snap in Snapshot.objects.filter(live=True).select_related("source").order_by("source__key"):
        services[snap.source.service].append(
            {
                "source": snap.source.key,
                "source_name": snap.source.name,
                "records": snap.record_count,
                "date_current_as_of": snap.date_current_as_of.isoformat(),
                "coverage_start": snap.coverage_start.isoformat() if snap.coverage_start else None,
                "coverage_end": snap.coverage_end.isoformat() if snap.coverage_end else None,
                "published_at": snap.published_at.isoformat() if snap.published_at else None,
            }
        )
    held = list(Load.objects.filter(outcome=Load.Outcome.HELD).values_list("pk", flat=True))
    return {
        "services": services,
        "live_snapshots": sum(len(v) for v in services.values()),
        "people": Person.objects.count(),
        "held_loads": held,
    }


class Command(BaseCommand):
    help = "Show each service's live snapshot (record count, date current as of) and the number of people."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts and monitoring")

    def handle(self, *args, **options):
        status = live_status()
        if options["json"]:
            self.stdout.write(json.dumps(status, indent=2))
            return
        table = Table(title="Live snapshots")
        for column in ("Service", "Source", "Records", "Date current as of"):
            table.add_column(column)
        for service, snaps in status["services"].items():
            if not snaps:
                table.add_row(service, "[red]nothing loaded[/red]", "", "")
            for s in snaps:
                table.add_row(service, s["source_name"], f"{s['records']:,}", s["date_current_as_of"][:16])
        console = Console()
        console.print(table)
        console.print(f"People: {status['people']:,}")
        if status["held_loads"]:
            console.print(f"[yellow]Loads held for a data manager: {status['held_loads']}[/yellow]")
