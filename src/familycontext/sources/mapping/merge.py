"""A mapping applied to one bundle folder: which services it carries, and each service's manifest
merged from the mapping's defaults, values carried in the data, and the bundle's manifest.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from familycontext.sources.errors import BundleError
from familycontext.sources.manifest import build_manifest
from familycontext.sources.mapping import read
from familycontext.sources.mapping.part import Part
from familycontext.sources.mapping.schema import (
    MANIFEST_KEYS,
    Entry,
    date_format_list,
    service_entries,
)
from familycontext.sources.reader import hash_files
from familycontext.sources.services import files_for
from familycontext.sources.tables import read_table


class Mapping:
    """A column mapping (schema-checked on load) and how it turns a bundle into parts."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self.name = str(data.get("name", path.stem))
        self.text = path.read_text(encoding="utf-8")
        where = str(path)
        self.formats = date_format_list(data.get("date_formats"), where)
        self.entries: dict[str, list[Entry]] = service_entries(data, where, self.formats)

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            raise BundleError(f"{path}: the mapping is not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            raise BundleError(f"{path}: the mapping is not valid TOML ({exc})") from None
        return cls(path, data)

    def _manifest_values(self, bundle: Path, service: str, bundle_data: dict, notes: list[str]) -> dict:
        """Mapping defaults < values from the data < the bundle's manifest.toml (top level < [service])."""
        values: dict[str, Any] = {}
        values.update(self.data.get("manifest", {}))
        service_table = self.data["services"][service]
        values.update(service_table.get("manifest", {}))
        values["service"] = service
        table = self.data.get("manifest_table")
        if isinstance(table, dict) and service_table.get("manifest_key"):
            values.update(self._from_manifest_table(bundle, table, str(service_table["manifest_key"]), notes))
        row_columns = self.data.get("manifest_columns")
        if isinstance(row_columns, dict):
            values.update(self._from_rows(bundle, service, row_columns, notes))
        values.update({k: v for k, v in bundle_data.items() if k in MANIFEST_KEYS})
        if isinstance(bundle_data.get(service), dict):
            values.update({k: v for k, v in bundle_data[service].items() if k in MANIFEST_KEYS})
        return values

    def _manifest_date(self, key: str, text: str, where: str, notes: list[str]) -> str | None:
        if not text.strip():
            return None
        try:
            if key == "date_current_as_of" and re.match(r"^\d{4}-\d\d-\d\d[T ]\d", text.strip()):
                return datetime.fromisoformat(text.strip()).isoformat()
            return read.parse_date(text, self.formats).isoformat()
        except ValueError as exc:
            notes.append(f"{where}: {key}: {exc}; left blank")
            return None

    def _from_manifest_table(self, bundle: Path, table: dict, key: str, notes: list[str]) -> dict:
        path = read.find_file(bundle, str(table.get("file", "")))
        if path is None:
            notes.append(f"{table.get('file')} is not in the bundle; manifest values come from the mapping and manifest.toml")
            return {}
        source = read_table(path, encoding=table.get("encoding"), delimiter=table.get("delimiter"))
        header = [read.norm(h) for h in source.header]
        key_index = header.index(read.norm(str(table.get("key_column", "Id")))) if read.norm(str(table.get("key_column", "Id"))) in header else 0
        for number, cells in source.rows:
            if key_index < len(cells) and read.norm(cells[key_index]) == read.norm(key):
                row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
                out: dict[str, Any] = {}
                spilled = ""
                for manifest_key, column in table.get("columns", {}).items():
                    text = row.get(read.norm(str(column)), "")
                    if manifest_key in ("date_current_as_of", "coverage_start", "coverage_end"):
                        parsed = self._manifest_date(manifest_key, text, f"{path.name}, row {number}", notes)
                        if parsed is None and text and manifest_key == "coverage_end":
                            # An unquoted comma in the explanation pushes its first half into this column
                            # (the reference sample's Police row): keep the words, not a broken date.
                            spilled = text
                        out[manifest_key] = parsed or ""
                    elif text:
                        out[manifest_key] = text
                if spilled:
                    out["coverage_explanation"] = ", ".join(p for p in (spilled, out.get("coverage_explanation", "")) if p)
                    notes.append(f"{path.name}, row {number}: the coverage explanation was split by an unquoted comma; rejoined")
                return out
        notes.append(f"{path.name} has no row {key!r}; manifest values come from the mapping and manifest.toml")
        return {}

    def _from_rows(self, bundle: Path, service: str, columns: dict, notes: list[str]) -> dict:
        """Manifest values carried on every row (the Common Data Model's 'Date current as of')."""
        seen: dict[str, list[str]] = {k: [] for k in columns}
        entry = next(e for e in self.entries[service] if e.target.person_bearing or e.target.must_be_present)
        for source_row in read.rows_of(bundle, entry, only_in_scope=True):
            for key, column in columns.items():
                text = source_row.get(read.norm(str(column)), "").strip()
                if text:
                    seen[key].append(text)
        out: dict[str, Any] = {}
        for key, texts in seen.items():
            if not texts:
                continue
            if key in ("date_current_as_of", "coverage_start", "coverage_end"):
                dates = [d for t in dict.fromkeys(texts) if (d := self._manifest_date(key, t, entry.file, notes))]
                if dates:
                    out[key] = min(dates) if key == "coverage_start" else max(dates)
            else:
                out[key] = Counter(texts).most_common(1)[0][0]
        return out

    def parts(self, bundle: Path, bundle_data: dict) -> list[Part]:
        chosen = list(self.entries)
        wanted = bundle_data.get("services") or ([bundle_data["service"]] if bundle_data.get("service") else None)
        if wanted:
            unknown = [s for s in wanted if s not in self.entries]
            if unknown:
                raise BundleError(f"{bundle}/manifest.toml: the mapping {self.name!r} has no service {unknown[0]!r} "
                                  f"(it maps {', '.join(self.entries)})")
            chosen = [s for s in chosen if s in wanted]
        parts = []
        for service in chosen:
            present = [e for e in self.entries[service] if read.find_file(bundle, e.file) is not None]
            if not present or not self._carries(bundle, present):
                continue  # this extract does not carry that service
            parts.append(self._part(bundle, service, bundle_data, present))
        orphans = self._rows_no_service_takes(bundle)
        for part in parts:
            part.notes.extend(orphans)
        if not parts:
            files = sorted({e.file for entries in self.entries.values() for e in entries})
            raise BundleError(f"{bundle}: none of the files the mapping {self.name!r} reads is here ({', '.join(files)})")
        return parts

    def _rows_no_service_takes(self, bundle: Path) -> list[str]:
        """Rows of a combined extract whose service column matches no service: reported, never dropped silently."""
        taken: dict[tuple[str, str], set[str]] = {}
        first: dict[tuple[str, str], Entry] = {}
        for entries in self.entries.values():
            for entry in entries:
                where = entry.raw.get("where")
                if where:
                    key = (entry.file.casefold(), read.norm(str(where.get("column", ""))))
                    taken.setdefault(key, set()).update(read.norm(str(v)) for v in where.get("in", []))
                    first.setdefault(key, entry)
        notes = []
        for key, values in taken.items():
            counts: Counter[str] = Counter()
            try:
                for row in read.rows_of(bundle, first[key], only_in_scope=False):
                    value = row.get(key[1], "")
                    if read.norm(value) not in values and any(v.strip() for v in row.values()):
                        counts[value.strip()[:40]] += 1
            except BundleError:
                continue  # the real read reports it
            for value, count in counts.most_common():
                notes.append(f"{first[key].file}: {count} rows with {first[key].raw['where']['column']} = "
                             f"{value!r} match no service in the mapping; not loaded")
        return notes

    def _carries(self, bundle: Path, entries: list[Entry]) -> bool:
        """A combined extract carries a service when at least one row says so (or nothing filters rows)."""
        main = [e for e in entries if e.target.must_be_present]
        if not main or not main[0].raw.get("where"):
            return bool(main)
        try:
            return next(read.rows_of(bundle, main[0], only_in_scope=True), None) is not None
        except BundleError:
            return True  # let the real read report the problem with its file and row

    def _part(self, bundle: Path, service: str, bundle_data: dict, entries: list[Entry]) -> Part:
        notes: list[str] = []
        for spec in files_for(service):
            if spec.must_be_present and not any(e.target == spec for e in entries):
                wanted = ", ".join(e.file for e in self.entries[service] if e.target == spec)
                raise BundleError(f"{bundle}: required file {wanted} (the {service} {spec.name}) is missing")
        values = self._manifest_values(bundle, service, bundle_data, notes)
        where = f"{bundle} ({service}, mapping {self.name!r})"
        manifest = build_manifest(values, where)
        placeholders = {
            "date_current_as_of": manifest.date_current_as_of.date().isoformat(),
            "coverage_start": manifest.coverage_start.isoformat() if manifest.coverage_start else "",
            "coverage_end": manifest.coverage_end.isoformat() if manifest.coverage_end else "",
        }
        names = sorted({read.find_file(bundle, e.file).name for e in entries})  # type: ignore[union-attr]
        extra_files = []
        table = self.data.get("manifest_table")
        if isinstance(table, dict) and (found := read.find_file(bundle, str(table.get("file", "")))) is not None:
            extra_files.append(found)
        manifest_file = [bundle / "manifest.toml"] if (bundle / "manifest.toml").is_file() else []
        content_hash = hash_files([*manifest_file, *extra_files, *(bundle / n for n in names)],
                                  extra=[self.text, service])
        part = Part(manifest, {}, names, content_hash, mapping=self.name, notes=notes)
        for spec in {e.target for e in entries}:
            of_spec = [e for e in entries if e.target == spec]
            part.files[spec] = lambda of_spec=of_spec: read.mapped_rows(bundle, of_spec, placeholders, part)
        return part
