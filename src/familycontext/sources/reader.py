"""Read a bundle file already in the SPEC 3 layout: header checks and rows keyed by column name.

Files in another layout go through a column mapping (mapping.py) and come out as the same
``SourceRow`` objects, so validation and quarantine never care which way a row came in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from familycontext.sources.errors import BundleError
from familycontext.sources.services import REQUIRED_IDENTITY, FileSpec
from familycontext.sources.tables import MAX_FIELD, read_table

__all__ = ["MAX_FIELD", "SourceRow", "bundle_hash", "read_rows", "read_spec_rows", "required_columns"]


@dataclass
class SourceRow:
    """One row on its way to validation: SPEC-named values, plus what the file really said."""

    file: str  # the file's own name, as the data manager knows it
    number: int  # row in that file, header = 1
    values: dict[str, str]  # SPEC 3 column -> text
    original: dict[str, str] = field(default_factory=dict)  # the file's own column -> text, for quarantine
    problems: list[tuple[str, str]] = field(default_factory=list)  # found before validation (mapping, shape)
    columns: dict[str, str] = field(default_factory=dict)  # SPEC column -> the file's column, for messages

    def column_label(self, spec_column: str) -> str:
        """The column as the data manager's file calls it."""
        return self.columns.get(spec_column, spec_column)


def required_columns(spec: FileSpec) -> tuple[str, ...]:
    identity = REQUIRED_IDENTITY if spec.person_bearing else ("record_id",)
    return identity + spec.required


def read_spec_rows(path: Path, spec: FileSpec) -> Iterator[SourceRow]:
    """Yield the rows of a SPEC-layout file (CSV or XLSX) with the header checked."""
    table = read_table(path)
    header = [h.replace("\ufeff", "").strip().lower() for h in table.header]
    seen: set[str] = set()
    for index, column in enumerate(header, start=1):
        if column in seen and column:
            raise BundleError(f"{path}, row 1, column {index}: column '{column}' appears twice in the header")
        seen.add(column)
    missing = [c for c in required_columns(spec) if c not in seen]
    if missing:
        raise BundleError(f"{path}, row 1: required column {', '.join(repr(c) for c in missing)} is missing")
    width = len(header)
    for number, cells in table.rows:
        if not any(v.strip() for v in cells):
            continue
        values = {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(header) if column}
        row = SourceRow(path.name, number, values, dict(values))
        if len(cells) > width and any(v.strip() for v in cells[width:]):
            row.problems.append(("", f"the row has {len(cells)} values but the header has {width} columns"))
        yield row


def read_rows(path: Path, spec: FileSpec) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, values) pairs: the older interface, kept for callers that want plain dicts."""
    for row in read_spec_rows(path, spec):
        yield row.number, row.values


def hash_files(paths: Iterable[Path], extra: Iterable[str] = ()) -> str:
    """SHA-256 over file names and bytes (and any extra text): the same input loaded twice changes nothing."""
    digest = hashlib.sha256()
    for text in extra:
        digest.update(text.encode())
        digest.update(b"\0")
    for path in paths:
        digest.update(path.name.encode())
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        except OSError as exc:
            raise BundleError(f"{path}: cannot be read ({exc.strerror})") from None
    return digest.hexdigest()


def bundle_hash(bundle: Path, names: list[str]) -> str:
    """SHA-256 over the manifest and the bundle's files."""
    return hash_files([bundle / name for name in ["manifest.toml", *sorted(names)]])
