"""Reading a council's extract through a mapping: each file's rows become SPEC rows.

A row the mapping declares out of scope is counted (``skip_when``), a value it cannot translate is
a quarantine reason naming the file's own column, and a missing column is a refusal naming file
and row 1. Nothing here decides which service or manifest a row belongs to (``merge``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from familycontext.identity import dates
from familycontext.sources.errors import BundleError
from familycontext.sources.mapping.part import Part
from familycontext.sources.mapping.schema import DATE_COLUMNS, Entry, date_format_list
from familycontext.sources.reader import SourceRow, required_columns
from familycontext.sources.services import FileSpec
from familycontext.sources.tables import read_table

_PLACEHOLDER = re.compile(r"\{(date_current_as_of|coverage_start|coverage_end)\}")


def norm(text: str) -> str:
    """Column names and code values compare without case, stray spaces or a byte-order mark."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


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


def find_file(bundle: Path, name: str) -> Path | None:
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


def spec_file(bundle: Path, spec: FileSpec) -> Path | None:
    for suffix in (".csv", ".xlsx", ".txt", ".tsv"):
        found = find_file(bundle, spec.name + suffix)
        if found is not None:
            return found
    return None


def open_table(bundle: Path, entry: Entry):
    path = find_file(bundle, entry.file)
    if path is None:
        return None
    raw = entry.raw
    return read_table(path, encoding=raw.get("encoding"), delimiter=raw.get("delimiter"), sheet=raw.get("sheet"))


def rows_of(bundle: Path, entry: Entry, *, only_in_scope: bool) -> Iterator[dict[str, str]]:
    table = open_table(bundle, entry)
    if table is None:
        return
    header = [norm(h) for h in table.header]
    for _, cells in table.rows:
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        if only_in_scope and not in_scope(entry, row):
            continue
        yield row


def in_scope(entry: Entry, row: dict[str, str]) -> bool:
    where = entry.raw.get("where")
    if not where:
        return True
    value = norm(row.get(norm(str(where.get("column", ""))), ""))
    return value in {norm(str(v)) for v in where.get("in", [])}


def mapped_rows(bundle: Path, entries: list[Entry], placeholders: dict[str, str],
                 part: Part) -> Iterator[SourceRow]:
    for entry in entries:
        table = open_table(bundle, entry)
        if table is None:
            continue
        part.detected[table.name] = ", ".join(p for p in (table.encoding, table.delimiter) if p)
        header = [norm(h) for h in table.header]
        labels = {norm(h): h.replace("\ufeff", "").strip() for h in table.header}
        join_header, join = _join_table(bundle, entry)
        _check_header(table.path, set(header) | join_header, entry)
        repeats = entry.raw.get("repeat") or [None]
        for number, cells in table.rows:
            if not any(c.strip() for c in cells):
                continue
            row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h and h not in
                   {x for x in header[:i] if x}}
            original = {labels[h]: v for h, v in row.items()}
            if not in_scope(entry, row):
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
                skip = _skip_reason(entry, row, n)
                if skip:
                    part.skipped[f"{table.name}: {skip}"] += 1
                    continue
                yield _map_row(entry, table.name, number, row, original, n, placeholders, list(shape), labels)


def _check_header(path: Path, present: set[str], entry: Entry) -> None:
    first = (entry.raw.get("repeat") or [None])[0]
    for column in required_columns(entry.target):
        rule = entry.raw["columns"][column]
        if isinstance(rule, dict) and ("derive" in rule or "value" in rule):
            continue
        for name, shown in zip(_source_columns(rule, first), _source_columns(rule, first, raw=True),
                               strict=True):
            if name not in present:
                raise BundleError(f"{path}, row 1: column {shown!r} (mapped to {column}) is missing")
    where = entry.raw.get("where")
    if where and norm(str(where.get("column", ""))) not in present:
        raise BundleError(f"{path}, row 1: column {where.get('column')!r} (which says the service) is missing")


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


def _join_table(bundle: Path, entry: Entry) -> tuple[set[str], dict[str, dict[str, str]] | None]:
    join = entry.raw.get("join")
    if not join:
        return set(), None
    path = find_file(bundle, str(join.get("file", "")))
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


def _skip_reason(entry: Entry, row: dict[str, str], n: object) -> str | None:
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


def _map_row(entry: Entry, file: str, number: int, row: dict[str, str], original: dict[str, str],
             n: object, placeholders: dict[str, str], problems: list[tuple[str, str]],
             labels: dict[str, str]) -> SourceRow:
    values: dict[str, str] = {}
    columns: dict[str, str] = {}
    for column, rule in entry.raw["columns"].items():
        names = _source_columns(rule, n)
        if names:
            columns[column] = " + ".join(labels.get(x, x) for x in names)
        try:
            value = _value(rule, row, names, placeholders)
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
