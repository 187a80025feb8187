"""A bundle read and validated in memory, before it is written: what the loader builds and the
data-quality report reads (its own module, so the report does not import the loader that calls it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from familycontext.sources.manifest import Manifest
from familycontext.sources.rows import CheckedRow


@dataclass
class Rejected:
    """A row that failed validation, with what the file said and the file's own column names."""

    file: str
    row: CheckedRow
    original: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


@dataclass
class ParsedBundle:
    """A bundle (or one service's part of it) read and validated in memory, not yet written."""

    manifest: Manifest
    files: list[str]
    content_hash: str
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: dict[tuple[str, str], list[CheckedRow]] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[tuple[str, CheckedRow]] = field(default_factory=list)
    rows_read: int = 0
    mapping: str = ""
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    detected: dict[str, str] = field(default_factory=dict)

    @property
    def rejected_share(self) -> float:
        return len(self.rejected) / self.rows_read if self.rows_read else 0.0
