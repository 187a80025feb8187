"""familycontext load BUNDLE [BUNDLE ...] — validate and load source extracts."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from familycontext.sources.display import quality_table
from familycontext.sources.loader import load_bundles
from familycontext.sources.models import Load

log = logging.getLogger(__name__)
COLOURS = {"loaded": "green", "unchanged": "blue", "held": "yellow"}


def print_load(console: Console, load: Load, *, show_quarantine: int, show_quality: bool) -> None:
    """One load's outcome, its first quarantined rows and its data-quality table."""
    colour = COLOURS.get(load.outcome, "red")
    console.print(f"[{colour}]{load.get_outcome_display()}[/{colour}] (load {load.pk}): {escape(load.message)}")
    for row in load.quarantined_rows.order_by("file", "row_number")[:show_quarantine]:
        console.print(escape(f"  quarantined: {row.file}, row {row.row_number}, column {row.field or '-'}: {row.reason}"))
    if load.rows_rejected > show_quarantine:
        console.print(f"  ... and {load.rows_rejected - show_quarantine} more (see the quarantine page)")
    if show_quality and load.quality_report:
        console.print(quality_table(load.quality_report))


class Command(BaseCommand):
    help = ("Load one or more bundles (folders with manifest.toml and CSV/XLSX files, or a folder and a column "
            "mapping). Exits non-zero if any is refused or fails.")

    def add_arguments(self, parser):
        parser.add_argument("bundles", nargs="+", type=Path)
        parser.add_argument("--mapping", help="A shipped mapping name (reference-app, common-data-model) or a .toml "
                                              "file, for folders without a manifest naming one")
        parser.add_argument("--show-quarantine", type=int, default=10, help="How many rejected rows to print per bundle")
        parser.add_argument("--no-quality", action="store_true", help="Do not print the data-quality table")

    def handle(self, *args, bundles: list[Path], show_quarantine: int, mapping: str | None = None,
               no_quality: bool = False, **options):
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        failed = 0
        loads = 0
        for bundle in bundles:
            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                console=console, transient=True, disable=not console.is_terminal,
            ) as bar:
                task = bar.add_task(f"Loading {bundle}", total=None)
                try:
                    results = load_bundles(
                        bundle,
                        loaded_by="command line",
                        mapping=mapping,
                        progress=lambda stage, n, bar=bar, task=task, bundle=bundle: bar.update(
                            task, description=f"{bundle}: {stage} {n:,} rows"
                        ),
                    )
                except Exception as exc:  # a bug or a broken database: say so plainly, keep the detail in the log
                    log.exception("load of %s failed", bundle)
                    console.print(escape(f"Failed {bundle}: {type(exc).__name__}: {exc}. The live snapshot is unchanged."))
                    failed += 1
                    loads += 1
                    continue
            for load in results:
                loads += 1
                print_load(console, load, show_quarantine=show_quarantine, show_quality=not no_quality)
                if load.outcome in (Load.Outcome.REFUSED, Load.Outcome.FAILED):
                    failed += 1
        if failed:
            sys.stdout.flush()
            raise CommandError(f"{failed} of {loads} bundles were not loaded", returncode=1)
