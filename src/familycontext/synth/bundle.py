"""Writing bundles: CSV files streamed in shuffled chunks, manifest.toml, and truth.csv.

Rows are produced family by family; written in that order, neighbouring lines would give away
who belongs with whom (and where the duplicates are). Shuffling each chunk of rows with the
file's own seeded generator hides that while keeping memory flat and output reproducible.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import date
from pathlib import Path
from typing import IO

CHUNK_ROWS = 20_000


class CsvFile:
    """One UTF-8 CSV file with a fixed header; rows are buffered, shuffled and written."""

    def __init__(self, path: Path, header: tuple[str, ...], rng: random.Random) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.header = header
        self.rows = 0
        self._rng = rng
        self._buffer: list[list[str]] = []
        self._handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(header)

    def add(self, row: list[str]) -> None:
        self._buffer.append(row)
        self.rows += 1
        if len(self._buffer) >= CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        self._rng.shuffle(self._buffer)
        self._writer.writerows(self._buffer)
        self._buffer.clear()

    def close(self) -> None:
        self._flush()
        self._handle.close()


class Truth:
    """truth.csv: which real person every person-bearing source record belongs to."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(("service", "record_id", "person_key"))
        self.rows = 0

    def add(self, service: str, record_id: str, person_key: str) -> None:
        self._writer.writerow((service, record_id, person_key))
        self.rows += 1

    def close(self) -> None:
        self._handle.close()


def _toml_value(value: str | date) -> str:
    if isinstance(value, date):
        return value.isoformat()  # a TOML local date
    return json.dumps(value, ensure_ascii=False)  # JSON strings are valid TOML basic strings


def write_manifest(directory: Path, values: dict[str, str | date]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    lines = [f"{key} = {_toml_value(value)}" for key, value in values.items()]
    (directory / "manifest.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
