"""The one CSV writer for every CSV the product writes (issue 17; OWASP "CSV injection").

A spreadsheet runs a cell as a formula when it starts with ``=``, ``+``, ``-`` or ``@`` — also after
leading spaces, a no-break or ideographic space or a line break, which Excel and LibreOffice skip —
and a leading tab or carriage return can smuggle one past a filter. Every such cell gets a leading
``'``, which spreadsheets show as text. Used by the audit export (and who-viewed, which is a
filtered audit export), the quarantine download, ``familycontext links`` and ``link-records``.

Plain Python on purpose (no Django, nothing of ours): the lowest layer, usable from anywhere.
Synthetic bundles (``familycontext synth``) are source extracts for loading, not exports, and are
written as the source systems would write them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")


def dangerous(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula."""
    return text.startswith(CONTROL_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> str:
    """``value`` as a cell a spreadsheet will show as text, never run."""
    text = "" if value is None else str(value)
    return "'" + text if dangerous(text) else text


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: TextIO, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)


def write_frame(frame: Any, path: Path | str) -> None:
    """A pandas DataFrame to ``path`` as CSV, header and every cell made safe."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        out = writer(handle)
        out.writerow(frame.columns)
        for row in frame.itertuples(index=False, name=None):
            out.writerow("" if v is None or (isinstance(v, float) and v != v) else v for v in row)  # NaN: blank
