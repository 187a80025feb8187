"""familycontext load BUNDLE [BUNDLE ...] — validate and load source extracts."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from familycontext.sources.loader import load_bundle
from familycontext.sources.models import Load

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Load one or more bundles (folders with manifest.toml and CSV files). Exits non-zero if any is refused."

    def add_arguments(self, parser):
        parser.add_argument("bundles", nargs="+", type=Path)
        parser.add_argument("--show-quarantine", type=int, default=10, help="How many rejected rows to print per bundle")

    def handle(self, *args, bundles: list[Path], show_quarantine: int, **options):
        console = Console(stderr=False, highlight=False)
        failed = 0
        for bundle in bundles:
            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                console=console, transient=True, disable=not console.is_terminal,
            ) as bar:
                task = bar.add_task(f"Loading {bundle}", total=None)
                try:
                    load = load_bundle(
                        bundle,
                        loaded_by="command line",
                        progress=lambda stage, n, bar=bar, task=task, bundle=bundle: bar.update(
                            task, description=f"{bundle}: {stage} {n:,} rows"
                        ),
                    )
                except Exception as exc:  # a bug or a broken database: say so plainly, keep the detail in the log
                    log.exception("load of %s failed", bundle)
                    console.print(f"[red]Failed[/red] {bundle}: {type(exc).__name__}: {exc}. The live snapshot is unchanged.")
                    failed += 1
                    continue
            colour = {"loaded": "green", "unchanged": "blue", "held": "yellow"}.get(load.outcome, "red")
            console.print(f"[{colour}]{load.get_outcome_display()}[/{colour}]: {load.message}")
            rejected = load.quarantined_rows.order_by("file", "row_number")[:show_quarantine]
            for row in rejected:
                console.print(f"  quarantined: {row.file}, row {row.row_number}, column {row.field or '-'}: {row.reason}")
            if load.rows_rejected > show_quarantine:
                console.print(f"  ... and {load.rows_rejected - show_quarantine} more (see the quarantine page)")
            if load.outcome in (Load.Outcome.REFUSED, Load.Outcome.FAILED):
                failed += 1
        if failed:
            sys.stdout.flush()
            raise CommandError(f"{failed} of {len(bundles)} bundles were not loaded", returncode=1)
