"""familycontext link — link all live source records into people, then rebuild the people read model."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from familycontext.linkage.runs import LinkageError, run_linkage
from familycontext.people.readmodel import rebuild_people


class Command(BaseCommand):
    help = "Link every live source record into people with Splink (all or nothing), then publish the people read model."

    def handle(self, *args, **options):
        try:
            run = run_linkage(progress=int(options.get("verbosity", 1)) > 0 and self.stdout.isatty())
        except LinkageError as exc:
            raise CommandError(str(exc)) from exc
        people = rebuild_people()
        self.stdout.write(
            f"Run {run.pk}: {run.records_in:,} records, {people:,} people, {run.links_made:,} links, "
            f"{run.pairs_for_review:,} pairs for review, {run.duration_seconds:.1f} s"
        )
