"""One service's share of a bundle, as the loader reads it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from familycontext.sources.manifest import Manifest
from familycontext.sources.reader import SourceRow
from familycontext.sources.services import FileSpec


@dataclass
class Part:
    """One service's share of a bundle: its manifest, and a row source per SPEC file."""

    manifest: Manifest
    files: dict[FileSpec, Callable[[], Iterator[SourceRow]]]
    file_names: list[str]
    content_hash: str
    mapping: str = ""
    notes: list[str] = field(default_factory=list)  # what the mapping did that a data manager should know
    skipped: Counter = field(default_factory=Counter)  # "file: reason" -> rows the mapping declared out of scope
    detected: dict[str, str] = field(default_factory=dict)  # file -> "utf-8, comma" (for the report)

    @property
    def service(self) -> str:
        return self.manifest.service
