"""The column mapping's TOML, as pydantic models: what a mapping may say, checked on load.

Structure (known keys, types) is the models'; what depends on the SPEC layout (a service's files,
a file's columns, the required ones) is checked against ``sources.services`` when the mapping is
built. Either way the error names the mapping file and the key (docs/loading-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from familycontext.identity import dates
from familycontext.sources.errors import BundleError
from familycontext.sources.reader import required_columns
from familycontext.sources.services import SERVICES, FileSpec, files_for

DATE_COLUMNS = frozenset({
    "date_of_birth", "enrolment_start", "enrolment_end", "tenancy_start", "tenancy_end", "opened", "closed",
    "involvement_start", "involvement_end", "most_recent_interaction", "offence_date",
})
MANIFEST_KEYS = ("source", "source_name", "date_current_as_of", "coverage_start", "coverage_end",
                 "coverage_area", "coverage_explanation")


def date_format_list(values: object, where: str) -> list[str]:
    """A mapping's ``date_formats`` as strftime patterns (or ``excel``); ISO when unset."""
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


class ColumnRule(BaseModel):
    """How one SPEC column is filled: from a column, several, a fixed value, codes, a derived id."""

    model_config = ConfigDict(extra="forbid")
    column: str | None = None
    columns: list[str] | None = None
    value: Any = None
    codes: dict[str, Any] | None = None
    default: Any = None
    derive: list[str] | None = None
    other: str | None = None
    date_formats: Any = None

    @model_validator(mode="after")
    def _says_where_from(self) -> ColumnRule:
        if not ({"column", "columns", "value", "derive", "codes"} & self.model_fields_set):
            raise ValueError("needs 'column', 'columns', 'value' or 'derive'")
        return self


class FileEntry(BaseModel):
    """One source file feeding one SPEC file (a ``[[services.X.files.Y]]`` table)."""

    model_config = ConfigDict(extra="forbid")
    file: str
    columns: dict[str, Any]
    sheet: str | int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    where: dict[str, Any] | None = None
    join: dict[str, Any] | None = None
    repeat: list[Any] | None = None
    skip_when: dict[str, list[Any]] | None = None
    skip_when_blank: list[str] | None = None
    date_formats: Any = None

    @field_validator("file")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("needs 'file' (the extract's file name)")
        return value

    @field_validator("columns")
    @classmethod
    def _rules(cls, columns: dict[str, Any]) -> dict[str, Any]:
        """Each SPEC column is a source column's name or a ``ColumnRule`` table."""
        for column, rule in columns.items():
            if isinstance(rule, dict):
                try:
                    ColumnRule.model_validate(rule)
                except ValidationError as exc:
                    raise ValueError(f"columns.{column}: {_problem(exc, COLUMN_KEYS)}") from None
            elif not isinstance(rule, str):
                raise ValueError(f"columns.{column}: must be a column name or a table")
        return columns


ENTRY_KEYS = frozenset(FileEntry.model_fields)
COLUMN_KEYS = frozenset(ColumnRule.model_fields)


def _problem(error: ValidationError, known: frozenset[str]) -> str:
    """The first problem of ``error`` in words, naming the key it is about."""
    first = error.errors()[0]
    loc = [str(p) for p in first["loc"]]
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        return f"unknown key {loc[-1]!r} (known: {', '.join(sorted(known))})"
    if loc == ["file"] and first["type"] in ("missing", "string_type", "value_error"):
        return "needs 'file' (the extract's file name)"
    if loc == ["columns"] and first["type"] in ("missing", "dict_type"):
        return "needs a 'columns' table (SPEC column = the file's column)"
    if loc == ["columns"] or not loc:
        return message
    return f"{'.'.join(loc)}: {message}"


@dataclass
class Entry:
    """A checked ``FileEntry`` with its SPEC file, where it is in the mapping, and its formats.
    ``raw`` is the table as written (what rows are read by)."""

    target: FileSpec
    where: str
    raw: dict[str, Any]
    formats: list[str]

    @property
    def file(self) -> str:
        return str(self.raw["file"])


def entry(spec: FileSpec, where: str, raw: object, formats: list[str]) -> Entry:
    """``raw`` checked as a ``FileEntry`` of SPEC file ``spec``; BundleError naming the key."""
    if not isinstance(raw, dict):
        raise BundleError(f"{where}: needs 'file' (the extract's file name)")
    try:
        FileEntry.model_validate(raw)
    except ValidationError as exc:
        raise BundleError(f"{where}: {_problem(exc, ENTRY_KEYS)}") from None
    for column in raw["columns"]:
        if column not in spec.columns and column != "restricted":
            raise BundleError(f"{where}: {column!r} is not a column of {spec.service} {spec.name} "
                              f"(its columns: {', '.join(spec.columns)})")
    for column in required_columns(spec):
        if column not in raw["columns"]:
            raise BundleError(f"{where}: required column {column!r} is not mapped")
    own = date_format_list(raw["date_formats"], where) if "date_formats" in raw else formats
    return Entry(spec, where, raw, own)


def service_entries(data: dict[str, Any], where: str, formats: list[str]) -> dict[str, list[Entry]]:
    """Each service's entries, checked against the SPEC layout of that service."""
    services = data.get("services")
    if not isinstance(services, dict) or not services:
        raise BundleError(f"{where}: a mapping needs at least one [services.<service>] table")
    out: dict[str, list[Entry]] = {}
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
                entries.append(entry(specs[target], f"{where}: services.{service}.files.{target}[{i}]", raw,
                                     formats))
        for spec in specs.values():
            if spec.must_be_present and not any(e.target == spec for e in entries):
                raise BundleError(f"{where}: [services.{service}] must map the required file '{spec.name}'")
        out[service] = entries
    return out
