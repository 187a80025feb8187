"""Read a bundle's CSV files: encoding, header checks and rows as dicts keyed by column name."""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

from familycontext.sources.errors import BundleError
from familycontext.sources.services import REQUIRED_IDENTITY, FileSpec

MAX_FIELD = 100_000
csv.field_size_limit(min(sys.maxsize, 10 * MAX_FIELD))


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise BundleError(f"{path}: this is not a text CSV file (it contains binary data)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BundleError(f"{path}: the text is neither UTF-8 nor Windows-1252")


def required_columns(spec: FileSpec) -> tuple[str, ...]:
    identity = REQUIRED_IDENTITY if spec.person_bearing else ("record_id",)
    return identity + spec.required


def read_rows(path: Path, spec: FileSpec) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with the header checked; the header is line 1."""
    text = _decode(path)
    reader = csv.reader(text.splitlines(keepends=True), strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise BundleError(f"{path}: the file is empty (no header row)") from None
    header = [h.strip().lower() for h in header]
    seen: set[str] = set()
    for column in header:
        if column in seen and column:
            raise BundleError(f"{path}, row 1: column '{column}' appears twice in the header")
        seen.add(column)
    missing = [c for c in required_columns(spec) if c not in seen]
    if missing:
        raise BundleError(f"{path}, row 1: required column {', '.join(repr(c) for c in missing)} is missing")
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            row = {column: (values[i] if i < len(values) else "") for i, column in enumerate(header) if column}
            if len(values) > len(header):
                row["__extra__"] = "more values than header columns"
            yield number, row
    except csv.Error as exc:
        raise BundleError(f"{path}, row {reader.line_num}: the CSV is malformed ({exc})") from None


def bundle_hash(bundle: Path, names: list[str]) -> str:
    """SHA-256 over the manifest and the bundle's files: the same bundle loaded twice changes nothing."""
    digest = hashlib.sha256()
    for name in ["manifest.toml", *sorted(names)]:
        digest.update(name.encode())
        digest.update((bundle / name).read_bytes())
    return digest.hexdigest()
