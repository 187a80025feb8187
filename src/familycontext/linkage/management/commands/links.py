"""``familycontext links --out FILE``: every live record's person id, as the last run left it.

Written as ``service,record_id,person_id`` — the shape of the synthetic generator's truth file,
so a linkage can be scored against it, and of what a council hands an auditor. A service fed by
more than one source system would make ``service,record_id`` ambiguous; then a ``source``
column (the source key) is added after ``service``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familycontext.exports import csv_files
from familycontext.linkage.models import RecordAssignment
from familycontext.sources.models import Source


class Command(BaseCommand):
    help = "Write service,record_id,person_id for every live record (from the latest linkage run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="CSV file to write")

    def handle(self, *args: object, **options: object) -> None:
        service_of = dict(Source.objects.values_list("key", "service"))
        services = list(service_of.values())
        with_source = len(services) != len(set(services))
        rows = (
            RecordAssignment.objects.order_by("source_key", "record_id")
            .values_list("source_key", "record_id", "person_id")
            .iterator(chunk_size=10_000)
        )
        out: Path = options["out"]  # type: ignore[assignment]
        count = 0
        try:
            with out.open("w", newline="", encoding="utf-8") as handle:
                writer = csv_files.writer(handle)
                header = ["service", "source", "record_id", "person_id"]
                writer.writerow(header if with_source else [h for h in header if h != "source"])
                for key, record_id, person_id in rows:
                    service = service_of.get(key, key)
                    row = [service, key, record_id, person_id]
                    writer.writerow(row if with_source else [service, record_id, person_id])
                    count += 1
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc}") from exc
        if count == 0:
            self.stderr.write("No linked records: run `familycontext link` first.")
        self.stdout.write(f"Wrote {count} records to {out}")
