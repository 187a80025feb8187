"""Quarantined rows for the data manager: listing, a per-column summary and a safe CSV export.

The export is opened in Excel by people who did not write it, so every cell that a spreadsheet
would run as a formula (starting = + - @, or a tab or carriage return) is neutralised with a
leading apostrophe (OWASP CSV injection guidance). Nothing here renders HTML: the web layer does.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TextIO

from django.db.models import Count, QuerySet

from familycontext.exports import csv_files
from familycontext.exports.csv_files import safe_cell  # noqa: F401 - for callers of this module
from familycontext.sources.models import Load, QuarantinedRow

EXPORT_COLUMNS = ("file", "row", "column", "reason")


def quarantine_rows(load: Load | int) -> QuerySet[QuarantinedRow]:
    """A load's quarantined rows in file order (file, then row), ready to paginate."""
    load_id = load.pk if isinstance(load, Load) else int(load)
    return QuarantinedRow.objects.filter(load_id=load_id).order_by("file", "row_number", "pk")


def quarantine_summary(load: Load | int) -> list[dict[str, object]]:
    """How many rows each (file, column) lost, most first: where a data manager starts fixing."""
    rows = quarantine_rows(load).order_by().values("file", "field").annotate(rows=Count("pk"))
    return sorted(({"file": r["file"], "column": r["field"], "rows": r["rows"]} for r in rows),
                  key=lambda r: (-int(r["rows"]), str(r["file"]), str(r["column"])))




def write_quarantine_csv(rows: Iterable[QuarantinedRow], out: TextIO) -> int:
    """Write rows as CSV: file, row, column, reason, then the row's own values (union of their columns)."""
    rows = list(rows)
    raw_columns: dict[str, None] = {}
    for row in rows:
        for key in row.raw or {}:
            raw_columns.setdefault(str(key), None)
    writer = csv_files.writer(out)
    writer.writerow((*EXPORT_COLUMNS, *raw_columns))
    for row in rows:
        raw = row.raw or {}
        writer.writerow((row.file, row.row_number, row.field, row.reason, *(raw.get(c, "") for c in raw_columns)))
    return len(rows)


def quarantine_csv(load: Load | int) -> str:
    """The whole quarantine of one load as CSV text (UTF-8 with BOM when written, so Excel reads it)."""
    buffer = io.StringIO()
    write_quarantine_csv(quarantine_rows(load), buffer)
    return buffer.getvalue()


def quarantine_csv_bytes(load: Load | int) -> bytes:
    """As quarantine_csv, encoded for a download response: UTF-8 with a byte-order mark for Excel."""
    return quarantine_csv(load).encode("utf-8-sig")
