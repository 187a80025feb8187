"""familycontext status [--json] — what is live, what waits for linkage, and which runs are going.

Each service's live snapshot and the number of people; snapshots loaded and waiting for the
linkage run that publishes them; held loads; loads and linkage runs still running, and those
found abandoned (their process ended without finishing; marked so here, issue 17).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from familycontext.linkage.models import LinkageRun
from familycontext.linkage.runs import reap_abandoned
from familycontext.people.models import Person
from familycontext.sources.loader import reap_abandoned_loads
from familycontext.sources.models import Load, Snapshot
from familycontext.sources.services import SERVICES
from familycontext.sources.snapshots import waiting_snapshots


def _snapshot(snap: Snapshot) -> dict:
    return {
        "snapshot": snap.pk,
        "source": snap.source.key,
        "source_name": snap.source.name,
        "records": snap.record_count,
        "date_current_as_of": snap.date_current_as_of.isoformat(),
        "coverage_start": snap.coverage_start.isoformat() if snap.coverage_start else None,
        "coverage_end": snap.coverage_end.isoformat() if snap.coverage_end else None,
        "published_at": snap.published_at.isoformat() if snap.published_at else None,
    }


def _runs(model, outcome: str) -> list[dict]:
    rows = model.objects.filter(outcome=outcome).order_by("pk")
    return [{"id": r.pk, "started_at": r.started_at.isoformat(), "host": r.host.split("@")[0], "pid": r.pid,
             "abandoned_at": r.abandoned_at.isoformat() if r.abandoned_at else None} for r in rows]


def live_status() -> dict:
    reap_abandoned_loads()
    reap_abandoned()
    services: dict[str, list[dict]] = {s: [] for s in SERVICES}
    for snap in Snapshot.objects.filter(live=True).select_related("source").order_by("source__key"):
        services[snap.source.service].append(_snapshot(snap))
    held = list(Load.objects.filter(outcome=Load.Outcome.HELD).values_list("pk", flat=True))
    return {
        "services": services,
        "live_snapshots": sum(len(v) for v in services.values()),
        "people": Person.objects.count(),
        "held_loads": held,
        "waiting_for_linkage": [_snapshot(s) | {"service": s.source.service} for s in waiting_snapshots()],
        "running_loads": _runs(Load, Load.Outcome.RUNNING),
        "abandoned_loads": _runs(Load, Load.Outcome.ABANDONED),
        "running_linkage_runs": _runs(LinkageRun, LinkageRun.Outcome.RUNNING),
        "abandoned_linkage_runs": _runs(LinkageRun, LinkageRun.Outcome.ABANDONED),
    }


class Command(BaseCommand):
    help = ("Show each service's live snapshot (record count, date current as of), the number of people, snapshots "
            "waiting for linkage, and running or abandoned loads and linkage runs.")

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
                table.add_row(service, escape(s["source_name"]), f"{s['records']:,}", s["date_current_as_of"][:16])
        console = Console(file=self.stdout)
        console.print(table)
        console.print(f"People: {status['people']:,}")
        for s in status["waiting_for_linkage"]:
            console.print(escape(f"New snapshot waiting for linkage: {s['source_name']} ({s['service']}), "
                                 f"{s['records']:,} records, current as of {s['date_current_as_of'][:16]}. "
                                 "Run 'familycontext link' to publish it."))
        if status["held_loads"]:
            console.print(f"[yellow]Loads held for a data manager: {status['held_loads']}[/yellow]")
        for kind, key in (("Load", "running_loads"), ("Linkage run", "running_linkage_runs")):
            for r in status[key]:
                console.print(escape(f"{kind} {r['id']} running since {r['started_at'][:19]} (pid {r['pid']} on {r['host']})"))
        for kind, key in (("Load", "abandoned_loads"), ("Linkage run", "abandoned_linkage_runs")):
            for r in status[key]:
                console.print(escape(f"{kind} {r['id']} abandoned: started {r['started_at'][:19]}, its process "
                                     f"(pid {r['pid']} on {r['host']}) was gone when checked at "
                                     f"{(r['abandoned_at'] or '')[:19]}"))
