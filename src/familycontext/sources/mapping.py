"""Column mappings: turn a council's own extract layout into the SPEC 3 layout (docs/loading-data.md).

Real extracts never arrive in SPEC 3 shape. A mapping is a TOML file, shipped (``mappings/*.toml``,
named without the suffix) or kept in the bundle, that says for each service which file feeds each
SPEC file, which column feeds each SPEC column, which date formats the file uses and how its code
values read. One folder may hold several services (the reference app's sample, a flat extract with
one row per person per service); each service becomes its own part with its own manifest and Load.

Nothing is silently dropped: rows a mapping declares out of scope (``skip_when``) are counted per
reason in the data-quality report, and a value a mapping cannot translate becomes a quarantine
reason naming the file's own column.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from familycontext.identity import dates
from familycontext.sources.errors import BundleError
from familycontext.sources.manifest import Manifest, build_manifest, read_manifest_data
from familycontext.sources.reader import SourceRow, hash_files, read_spec_rows, required_columns
from familycontext.sources.services import SERVICES, FileSpec, files_for
from familycontext.sources.tables import read_table

MAPPINGS_DIR = Path(__file__).parent / "mappings"
_SHIPPED_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DATE_COLUMNS = frozenset({
    "date_of_birth", "enrolment_start", "enrolment_end", "tenancy_start", "tenancy_end", "opened", "closed",
    "involvement_start", "involvement_end", "most_recent_interaction", "offence_date",
})
MANIFEST_KEYS = ("source", "source_name", "date_current_as_of", "coverage_start", "coverage_end",
                 "coverage_area", "coverage_explanation")
ENTRY_KEYS = {"file", "sheet", "encoding", "delimiter", "where", "join", "repeat", "skip_when", "skip_when_blank",
              "columns", "date_formats"}
COLUMN_KEYS = {"column", "columns", "value", "codes", "default", "derive", "other", "date_formats"}
_PLACEHOLDER = re.compile(r"\{(date_current_as_of|coverage_start|coverage_end)\}")


def norm(text: str) -> str:
    """Column names and code values compare without case, stray spaces or a byte-order mark."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


# ---------------------------------------------------------------- dates


def date_format_list(values: object, where: str) -> list[str]:
    if values is None:
        return ["%Y-%m-%d"]
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values:
        raise BundleError(f"{where}: 'date_formats' must be a list like [\"dd/mm/yyyy\", \"excel\"]")
    out = []
    for value in values:
        text = str(value).strip()
        fmt = dates.NAMED_FORMATS.get(text.lower(), text if "%" in text else None)
        if fmt is None:
            raise BundleError(f"{where}: date format {text!r} is not known (use one of "
                              f"{', '.join(dates.NAMED_FORMATS)}, or a strftime pattern like '%d/%m/%Y')")
        out.append(fmt)
    return out


def parse_date(value: str, formats: list[str]) -> date:
    """A date in any of the formats (tried in order); ISO YYYY-MM-DD is always understood."""
    return dates.in_formats(value, formats)


def to_iso(value: str, formats: list[str]) -> tuple[str, str | None]:
    """(ISO text, problem): blank stays blank; an unreadable date keeps its text and names the format."""
    if not value.strip():
        return "", None
    try:
        return parse_date(value, formats).isoformat(), None
    except (ValueError, OverflowError) as exc:
        return value, str(exc)


# ---------------------------------------------------------------- parts


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


def _find(bundle: Path, name: str) -> Path | None:
    """A file by name, ignoring case (PEOPLE.CSV) and accepting the same name as .xlsx (an Excel export)."""
    exact = bundle / name
    if exact.is_file():
        return exact
    stem = Path(name).stem.casefold()
    wanted = [name.casefold()] + [stem + suffix for suffix in (".csv", ".xlsx", ".txt", ".tsv")]
    try:
        candidates = sorted(p for p in bundle.iterdir() if p.is_file())
    except OSError:
        return None
    for want in wanted:  # the exact name first, then the same name as CSV, XLSX, TXT or TSV
        for candidate in candidates:
            if candidate.name.casefold() == want:
                return candidate
    return None


def _spec_file(bundle: Path, spec: FileSpec) -> Path | None:
    for suffix in (".csv", ".xlsx", ".txt", ".tsv"):
        found = _find(bundle, spec.name + suffix)
        if found is not None:
            return found
    return None


def _plain_part(bundle: Path, data: dict, where: str) -> Part:
    manifest = build_manifest(data, where)
    found: dict[FileSpec, Path] = {}
    for spec in files_for(manifest.service):
        path = _spec_file(bundle, spec)
        if path is None and spec.must_be_present:
            raise BundleError(f"{bundle}: required file {spec.name}.csv is missing for service '{manifest.service}'")
        if path is not None:
            found[spec] = path
    names = [p.name for p in found.values()]
    content_hash = hash_files([bundle / n for n in ["manifest.toml", *sorted(names)]])
    files = {spec: (lambda path=path, spec=spec: read_spec_rows(path, spec)) for spec, path in found.items()}
    return Part(manifest, files, names, content_hash)


def mapping_path(reference: str, bundle: Path) -> Path:
    """A shipped mapping by name (``reference-app``) or a file relative to the bundle (``my-mapping.toml``)."""
    reference = reference.strip()
    if reference.lower().endswith(".toml"):
        path = Path(reference) if Path(reference).is_absolute() else bundle / reference
        if not path.is_file():
            raise BundleError(f"{bundle}/manifest.toml: the mapping file {reference!r} is not in the bundle")
        return path
    if not _SHIPPED_NAME.match(reference) or not (MAPPINGS_DIR / f"{reference}.toml").is_file():
        shipped = ", ".join(sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml")))
        raise BundleError(f"{bundle}: there is no shipped mapping {reference!r} (shipped: {shipped}; "
                          "a mapping of your own is named with its .toml file)")
    return MAPPINGS_DIR / f"{reference}.toml"


def discover_parts(bundle: Path, *, mapping: str | None = None) -> list[Part]:
    """The parts of a bundle folder, one per service, each ready to be read and validated."""
    bundle = Path(bundle)
    if not bundle.is_dir():
        raise BundleError(f"{bundle}: not a folder (a bundle is a folder with manifest.toml and CSV or XLSX files)")
    data = read_manifest_data(bundle)
    reference = mapping or (str(data["mapping"]) if data and data.get("mapping") else None)
    if reference is None:
        if data is None:
            raise BundleError(f"{bundle}: no manifest.toml in this folder (or name a column mapping with --mapping)")
        return [_plain_part(bundle, data, str(bundle / "manifest.toml"))]
    return Mapping.load(mapping_path(reference, bundle)).parts(bundle, data or {})


# ---------------------------------------------------------------- mappings


@dataclass
class _Entry:
    """One source file feeding one SPEC file (a mapping's ``[[services.X.files.Y]]`` table)."""

    target: FileSpec
    where: str
    raw: dict[str, Any]
    formats: list[str]

    @property
    def file(self) -> str:
        return str(self.raw["file"])


class Mapping:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self.name = str(data.get("name", path.stem))
        self.text = path.read_text(encoding="utf-8")
        where = str(path)
        self.formats = date_format_list(data.get("date_formats"), where)
        services = data.get("services")
        if not isinstance(services, dict) or not services:
            raise BundleError(f"{where}: a mapping needs at least one [services.<service>] table")
        self.entries: dict[str, list[_Entry]] = {}
        for service, table in services.items():
            if service not in SERVICES:
                raise BundleError(f"{where}: [services.{service}]: not a service (use one of {', '.join(SERVICES)})")
            specs = {s.name: s for s in files_for(service)}
            files = table.get("files") if isinstance(table, dict) else None
            if not isinstance(files, dict) or not files:
                raise BundleError(f"{where}: [services.{service}] needs [services.{service}.files.<file>] tables")
            entries = []
            for target, value in files.items():
                if target not in specs:
                    raise BundleError(f"{where}: services.{service}.files.{target}: {service} has no file "
                                      f"{target!r} (its files: {', '.join(specs)})")
                for i, raw in enumerate(value if isinstance(value, list) else [value]):
                    entries.append(self._entry(specs[target], f"{where}: services.{service}.files.{target}[{i}]", raw))
            for spec in specs.values():
                if spec.must_be_present and not any(e.target == spec for e in entries):
                    raise BundleError(f"{where}: [services.{service}] must map the required file '{spec.name}'")
            self.entries[service] = entries

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError:
            raise BundleError(f"{path}: the mapping is not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            raise BundleError(f"{path}: the mapping is not valid TOML ({exc})") from None
        return cls(path, data)

    def _entry(self, spec: FileSpec, where: str, raw: object) -> _Entry:
        if not isinstance(raw, dict) or not raw.get("file"):
            raise BundleError(f"{where}: needs 'file' (the extract's file name)")
        unknown = set(raw) - ENTRY_KEYS
        if unknown:
            raise BundleError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(ENTRY_KEYS))})")
        columns = raw.get("columns")
        if not isinstance(columns, dict):
            raise BundleError(f"{where}: needs a 'columns' table (SPEC column = the file's column)")
        for column, rule in columns.items():
            if column not in spec.columns and column != "restricted":
                raise BundleError(f"{where}: {column!r} is not a column of {spec.service} {spec.name} "
                                  f"(its columns: {', '.join(spec.columns)})")
            if isinstance(rule, dict):
                bad = set(rule) - COLUMN_KEYS
                if bad:
                    raise BundleError(f"{where}: columns.{column}: unknown key {sorted(bad)[0]!r}")
                if not ({"column", "columns", "value", "derive", "codes"} & set(rule)):
                    raise BundleError(f"{where}: columns.{column}: needs 'column', 'columns', 'value' or 'derive'")
            elif not isinstance(rule, str):
                raise BundleError(f"{where}: columns.{column}: must be a column name or a table")
        for column in required_columns(spec):
            if column not in columns:
                raise BundleError(f"{where}: required column {column!r} is not mapped")
        formats = date_format_list(raw["date_formats"], where) if "date_formats" in raw else self.formats
        return _Entry(spec, where, raw, formats)

    # ------------------------------------------------------------ manifest of a part

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
            return parse_date(text, self.formats).isoformat()
        except ValueError as exc:
            notes.append(f"{where}: {key}: {exc}; left blank")
            return None

    def _from_manifest_table(self, bundle: Path, table: dict, key: str, notes: list[str]) -> dict:
        path = _find(bundle, str(table.get("file", "")))
        if path is None:
            notes.append(f"{table.get('file')} is not in the bundle; manifest values come from the mapping and manifest.toml")
            return {}
        source = read_table(path, encoding=table.get("encoding"), delimiter=table.get("delimiter"))
        header = [norm(h) for h in source.header]
        key_index = header.index(norm(str(table.get("key_column", "Id")))) if norm(str(table.get("key_column", "Id"))) in header else 0
        for number, cells in source.rows:
            if key_index < len(cells) and norm(cells[key_index]) == norm(key):
                row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
                out: dict[str, Any] = {}
                spilled = ""
                for manifest_key, column in table.get("columns", {}).items():
                    text = row.get(norm(str(column)), "")
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
        for source_row in self._rows_of(bundle, entry, only_in_scope=True):
            for key, column in columns.items():
                text = source_row.get(norm(str(column)), "").strip()
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

    # ------------------------------------------------------------ rows

    def _open(self, bundle: Path, entry: _Entry):
        path = _find(bundle, entry.file)
        if path is None:
            return None
        raw = entry.raw
        return read_table(path, encoding=raw.get("encoding"), delimiter=raw.get("delimiter"), sheet=raw.get("sheet"))

    def _rows_of(self, bundle: Path, entry: _Entry, *, only_in_scope: bool) -> Iterator[dict[str, str]]:
        table = self._open(bundle, entry)
        if table is None:
            return
        header = [norm(h) for h in table.header]
        for _, cells in table.rows:
            row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
            if only_in_scope and not self._in_scope(entry, row):
                continue
            yield row

    def _in_scope(self, entry: _Entry, row: dict[str, str]) -> bool:
        where = entry.raw.get("where")
        if not where:
            return True
        value = norm(row.get(norm(str(where.get("column", ""))), ""))
        return value in {norm(str(v)) for v in where.get("in", [])}

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
            present = [e for e in self.entries[service] if _find(bundle, e.file) is not None]
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
        first: dict[tuple[str, str], _Entry] = {}
        for entries in self.entries.values():
            for entry in entries:
                where = entry.raw.get("where")
                if where:
                    key = (entry.file.casefold(), norm(str(where.get("column", ""))))
                    taken.setdefault(key, set()).update(norm(str(v)) for v in where.get("in", []))
                    first.setdefault(key, entry)
        notes = []
        for key, values in taken.items():
            counts: Counter[str] = Counter()
            try:
                for row in self._rows_of(bundle, first[key], only_in_scope=False):
                    value = row.get(key[1], "")
                    if norm(value) not in values and any(v.strip() for v in row.values()):
                        counts[value.strip()[:40]] += 1
            except BundleError:
                continue  # the real read reports it
            for value, count in counts.most_common():
                notes.append(f"{first[key].file}: {count} rows with {first[key].raw['where']['column']} = "
                             f"{value!r} match no service in the mapping; not loaded")
        return notes

    def _carries(self, bundle: Path, entries: list[_Entry]) -> bool:
        """A combined extract carries a service when at least one row says so (or nothing filters rows)."""
        main = [e for e in entries if e.target.must_be_present]
        if not main or not main[0].raw.get("where"):
            return bool(main)
        try:
            return next(self._rows_of(bundle, main[0], only_in_scope=True), None) is not None
        except BundleError:
            return True  # let the real read report the problem with its file and row

    def _part(self, bundle: Path, service: str, bundle_data: dict, entries: list[_Entry]) -> Part:
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
        names = sorted({_find(bundle, e.file).name for e in entries})  # type: ignore[union-attr]
        extra_files = []
        table = self.data.get("manifest_table")
        if isinstance(table, dict) and (found := _find(bundle, str(table.get("file", "")))) is not None:
            extra_files.append(found)
        manifest_file = [bundle / "manifest.toml"] if (bundle / "manifest.toml").is_file() else []
        content_hash = hash_files([*manifest_file, *extra_files, *(bundle / n for n in names)],
                                  extra=[self.text, service])
        part = Part(manifest, {}, names, content_hash, mapping=self.name, notes=notes)
        for spec in {e.target for e in entries}:
            of_spec = [e for e in entries if e.target == spec]
            part.files[spec] = lambda of_spec=of_spec: self._mapped_rows(bundle, of_spec, placeholders, part)
        return part

    def _mapped_rows(self, bundle: Path, entries: list[_Entry], placeholders: dict[str, str],
                     part: Part) -> Iterator[SourceRow]:
        for entry in entries:
            table = self._open(bundle, entry)
            if table is None:
                continue
            part.detected[table.name] = ", ".join(p for p in (table.encoding, table.delimiter) if p)
            header = [norm(h) for h in table.header]
            labels = {norm(h): h.replace("\ufeff", "").strip() for h in table.header}
            join_header, join = self._join_table(bundle, entry)
            self._check_header(table.path, set(header) | join_header, entry)
            repeats = entry.raw.get("repeat") or [None]
            for number, cells in table.rows:
                if not any(c.strip() for c in cells):
                    continue
                row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h and h not in
                       {x for x in header[:i] if x}}
                original = {labels[h]: v for h, v in row.items()}
                if not self._in_scope(entry, row):
                    continue
                shape: list[tuple[str, str]] = []
                if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                    shape.append(("", f"the row has {len(cells)} values but the header has {len(header)} columns"))
                if join is not None:
                    on = norm(str(entry.raw["join"].get("on", "")))
                    other = join.get(norm(row.get(on, "")))
                    if other is None:
                        shape.append(("record_id", f"no row in {entry.raw['join']['file']} with "
                                                   f"{entry.raw['join'].get('key')} = {row.get(on, '')!r}"))
                    else:
                        row = {**other, **row}
                        original.update({f"{entry.raw['join']['file']}: {k}": v for k, v in other.items()})
                for n in repeats:
                    skip = self._skip_reason(entry, row, n)
                    if skip:
                        part.skipped[f"{table.name}: {skip}"] += 1
                        continue
                    yield self._map_row(entry, table.name, number, row, original, n, placeholders, list(shape), labels)

    def _check_header(self, path: Path, present: set[str], entry: _Entry) -> None:
        first = (entry.raw.get("repeat") or [None])[0]
        for column in required_columns(entry.target):
            rule = entry.raw["columns"][column]
            if isinstance(rule, dict) and ("derive" in rule or "value" in rule):
                continue
            for name, shown in zip(self._source_columns(rule, first), self._source_columns(rule, first, raw=True),
                                   strict=True):
                if name not in present:
                    raise BundleError(f"{path}, row 1: column {shown!r} (mapped to {column}) is missing")
        where = entry.raw.get("where")
        if where and norm(str(where.get("column", ""))) not in present:
            raise BundleError(f"{path}, row 1: column {where.get('column')!r} (which says the service) is missing")

    @staticmethod
    def _source_columns(rule: object, n: object, *, raw: bool = False) -> list[str]:
        def sub(name: str) -> str:
            name = name.replace("{n}", str(n)) if n is not None else name
            return name if raw else norm(name)
        if isinstance(rule, str):
            return [sub(rule)]
        if isinstance(rule, dict):
            names = [rule["column"]] if "column" in rule else list(rule.get("columns", []))
            return [sub(str(c)) for c in names]
        return []

    def _join_table(self, bundle: Path, entry: _Entry) -> tuple[set[str], dict[str, dict[str, str]] | None]:
        join = entry.raw.get("join")
        if not join:
            return set(), None
        path = _find(bundle, str(join.get("file", "")))
        if path is None:
            raise BundleError(f"{bundle}: {join.get('file')} (joined to {entry.file}) is missing")
        table = read_table(path, encoding=join.get("encoding"), delimiter=join.get("delimiter"))
        header = [norm(h) for h in table.header]
        key = norm(str(join.get("key", "id")))
        if key not in header:
            raise BundleError(f"{path}, row 1: column {join.get('key')!r} (the join key) is missing")
        out: dict[str, dict[str, str]] = {}
        for _, cells in table.rows:
            row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
            out.setdefault(norm(row[key]), row)
        return set(header), out

    def _skip_reason(self, entry: _Entry, row: dict[str, str], n: object) -> str | None:
        def get(name: str) -> str:
            return row.get(norm(name.replace("{n}", str(n)) if n is not None else name), "")
        blank = entry.raw.get("skip_when_blank") or []
        if blank and all(not get(c).strip() for c in blank):
            label = " and ".join(c.replace("{n}", str(n)) if n is not None else c for c in blank)
            return f"{label} blank"
        for column, values in (entry.raw.get("skip_when") or {}).items():
            value = get(column)
            if norm(value) in {norm(str(v)) for v in values}:
                return f"{column.replace('{n}', str(n)) if n is not None else column} is {value.strip() or 'blank'!r}"
        return None

    def _map_row(self, entry: _Entry, file: str, number: int, row: dict[str, str], original: dict[str, str],
                 n: object, placeholders: dict[str, str], problems: list[tuple[str, str]],
                 labels: dict[str, str]) -> SourceRow:
        values: dict[str, str] = {}
        columns: dict[str, str] = {}
        for column, rule in entry.raw["columns"].items():
            names = self._source_columns(rule, n)
            if names:
                columns[column] = " + ".join(labels.get(x, x) for x in names)
            try:
                value = self._value(rule, row, names, placeholders)
            except ValueError as exc:
                problems.append((column, str(exc)))
                value = ""
            if column in DATE_COLUMNS and value:
                formats = (date_format_list(rule["date_formats"], entry.where)
                           if isinstance(rule, dict) and "date_formats" in rule else entry.formats)
                value, problem = to_iso(value, formats)
                if problem:
                    problems.append((column, problem))
            values[column] = value
        return SourceRow(file, number, values, original, problems, columns)

    @staticmethod
    def _value(rule: object, row: dict[str, str], names: list[str], placeholders: dict[str, str]) -> str:
        def fill(text: str) -> str:
            return _PLACEHOLDER.sub(lambda m: placeholders[m.group(1)], text)
        if isinstance(rule, str):
            return row.get(names[0], "")
        assert isinstance(rule, dict)
        if "value" in rule:
            return fill(str(rule["value"]))
        if "columns" in rule:
            text = ", ".join(v.strip() for x in names if (v := row.get(x, "")).strip())
        else:
            text = row.get(names[0], "") if names else ""
        if not text.strip() and "derive" in rule:
            parts = [norm(row.get(norm(str(c)), "")) for c in rule["derive"]]
            if not any(parts):
                return ""
            return "id-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
        if not text.strip() and "default" in rule:
            return fill(str(rule["default"]))
        codes = rule.get("codes")
        if isinstance(codes, dict):
            table = {norm(str(k)): str(v) for k, v in codes.items()}
            key = norm(text)
            if key in table:
                return fill(table[key])
            if rule.get("other", "problem") == "keep" or not key:
                return text
            raise ValueError(f"{text.strip()!r} is not one of the values the mapping knows "
                             f"({', '.join(str(k) for k in codes if str(k))})")
        return text
