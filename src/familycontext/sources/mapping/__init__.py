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

import re
from pathlib import Path

from familycontext.sources.errors import BundleError
from familycontext.sources.manifest import build_manifest, read_manifest_data
from familycontext.sources.mapping.merge import Mapping
from familycontext.sources.mapping.part import Part
from familycontext.sources.mapping.read import find_file, norm, parse_date, spec_file, to_iso
from familycontext.sources.mapping.schema import DATE_COLUMNS, MANIFEST_KEYS, date_format_list
from familycontext.sources.reader import hash_files, read_spec_rows
from familycontext.sources.services import FileSpec, files_for

__all__ = ["DATE_COLUMNS", "MANIFEST_KEYS", "Mapping", "Part", "date_format_list", "discover_parts",
           "find_file", "mapping_path", "norm", "parse_date", "to_iso"]

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"
_SHIPPED_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _plain_part(bundle: Path, data: dict, where: str) -> Part:
    manifest = build_manifest(data, where)
    found: dict[FileSpec, Path] = {}
    for spec in files_for(manifest.service):
        path = spec_file(bundle, spec)
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
