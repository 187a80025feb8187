"""familycontext link — link the newest snapshots into people and publish them with the people read model.

Loaded snapshots waiting for linkage, the linkage over them and the people read model go live
together, in one transaction, or not at all (issue 17): a failed or killed run changes nothing
users see, and the snapshots stay waiting for the next run.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from familycontext.linkage.runs import LinkageError, run_linkage
from familycontext.people.readmodel import rebuild_people


class Command(BaseCommand):
    help = ("Link the records of every source's newest snapshot into people with Splink, then publish snapshots, "
            "linkage and the people read model together (all or nothing).")

    def handle(self, *args, **options):
        people: list[int] = []
        try:
            run = run_linkage(progress=int(options.get("verbosity", 1)) > 0 and self.stdout.isatty(),
                              publish_read_model=lambda: people.append(rebuild_people()))
        except LinkageError as exc:
            raise CommandError(str(exc)) from exc
        published = (run.figures or {}).get("snapshots_published") or []
        self.stdout.write(
            f"Run {run.pk}: {run.records_in:,} records, {people[0]:,} people, {run.links_made:,} links, "
            f"{run.pairs_for_review:,} pairs for review, {len(published)} new snapshots published, "
            f"{run.duration_seconds:.1f} s"
        )
