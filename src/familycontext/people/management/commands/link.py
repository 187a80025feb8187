"""familycontext link — link all live source records into people, then rebuild the people read model."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from rich.console import Console

from familycontext.linkage.runs import run_linkage
from familycontext.people.readmodel import rebuild_people


class Command(BaseCommand):
    help = "Link the live source records into people with Splink, then publish the people read model."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print only the summary")

    def handle(self, *args, quiet: bool = False, **options):
        console = Console(highlight=False)
        started = time.monotonic()
        run = run_linkage(progress=not quiet and console.is_terminal)
        people = rebuild_people()
        console.print(
            f"Linked {run.records_in:,} records into {people:,} people "
            f"({run.links_made:,} links, {run.pairs_for_review:,} pairs for review) "
            f"in {time.monotonic() - started:.1f}s; run {run.pk}"
        )
