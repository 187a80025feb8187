"""Load a bundle: read → validate → quarantine → snapshot → publish (SPEC 3).

Nothing is silently dropped: every rejected row is kept with file, row, column and reason.
A bundle that cannot be trusted (broken manifest, missing columns, too many rejected rows) is
refused whole and the live snapshot stays as it was. All writes of a good load happen in one
transaction, so a load killed part way leaves the previous snapshot live and intact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from familycontext.config import Configuration
from familycontext.config import current as current_configuration
from familycontext.sources.errors import BundleError
from familycontext.sources.manifest import Manifest, read_manifest
from familycontext.sources.models import (
    AscInvolvement,
    CmsRelationship,
    HousingCase,
    HousingTenancy,
    Load,
    PoliceContact,
    PoliceOffence,
    QuarantinedRow,
    SchoolEnrolment,
    Snapshot,
    Source,
    SourceRecord,
)
from familycontext.sources.quality import quality_report
from familycontext.sources.reader import bundle_hash, read_rows
from familycontext.sources.rows import CheckedRow, check_row
from familycontext.sources.services import IDENTITY_COLUMNS, FileSpec, files_for
from familycontext.sources.snapshots import publish

ROW_MODEL = {
    ("cms", "relationships"): CmsRelationship,
    ("school", "enrolments"): SchoolEnrolment,
    ("housing", "tenancies"): HousingTenancy,
    ("housing", "cases"): HousingCase,
    ("adult_social_care", "involvements"): AscInvolvement,
    ("police", "people"): PoliceContact,
    ("police", "offences"): PoliceOffence,
}
# Files where a person appears once; a repeated record_id there is a duplicate to report.
ONE_ROW_PER_PERSON = {("cms", "people"), ("police", "people")}
IDENTITY_FIELDS = [c for c in IDENTITY_COLUMNS if c != "record_id"] + ["restricted"]
BATCH = 5000

Progress = Callable[[str, int], None]


@dataclass
class ParsedBundle:
    """A bundle read and validated in memory, not yet written."""

    manifest: Manifest
    files: list[str]
    content_hash: str
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: dict[tuple[str, str], list[CheckedRow]] = field(default_factory=dict)
    rejected: list[tuple[str, CheckedRow, dict[str, str]]] = field(default_factory=list)
    warnings: list[tuple[str, CheckedRow]] = field(default_factory=list)
    rows_read: int = 0

    @property
    def rejected_share(self) -> float:
        return len(self.rejected) / self.rows_read if self.rows_read else 0.0


def _find_file(bundle: Path, spec: FileSpec) -> Path | None:
    for candidate in (f"{spec.name}.csv", f"{spec.name}.CSV"):
        if (bundle / candidate).is_file():
            return bundle / candidate
    return None


def parse_bundle(bundle: Path, *, today: date | None = None, progress: Progress | None = None) -> ParsedBundle:
    """Read and validate every row of a bundle. Raises BundleError when the bundle is unusable."""
    today = today or timezone.localdate()
    if not bundle.is_dir():
        raise BundleError(f"{bundle}: not a folder (a bundle is a folder with manifest.toml and CSV files)")
    manifest = read_manifest(bundle)
    specs = files_for(manifest.service)
    found: dict[FileSpec, Path] = {}
    for spec in specs:
        path = _find_file(bundle, spec)
        if path is None and spec.must_be_present:
            raise BundleError(f"{bundle}: required file {spec.name}.csv is missing for service '{manifest.service}'")
        if path is not None:
            found[spec] = path
    parsed = ParsedBundle(manifest, [p.name for p in found.values()], bundle_hash(bundle, [p.name for p in found.values()]))

    # Person-bearing files first, so the others can check their record_ids.
    for spec in sorted(found, key=lambda s: not s.person_bearing):
        path = found[spec]
        key = (spec.service, spec.name)
        first_seen: dict[str, int] = {}
        kept: list[CheckedRow] = []
        for number, raw in read_rows(path, spec):
            parsed.rows_read += 1
            if progress and parsed.rows_read % 10_000 == 0:
                progress("read", parsed.rows_read)
            row = check_row(spec, number, raw, today)
            rid = row.values.get("record_id", "")
            if "__extra__" in raw:
                row.problems.append(("", "the row has more values than the header has columns"))
            if row.ok and spec.person_bearing and key in ONE_ROW_PER_PERSON and rid in first_seen:
                row.problems.append(("record_id", f"record_id {rid!r} already appears at row {first_seen[rid]}"))
            if row.ok and not spec.person_bearing:
                if rid not in parsed.records:
                    row.problems.append(("record_id", f"no person with record_id {rid!r} in this bundle"))
                elif key == ("cms", "relationships") and row.values["related_record_id"] not in parsed.records:
                    row.problems.append(
                        ("related_record_id", f"no person with record_id {row.values['related_record_id']!r} in people.csv")
                    )
            if not row.ok:
                parsed.rejected.append((path.name, row, raw))
                continue
            if row.warnings:
                parsed.warnings.append((path.name, row))
            if spec.person_bearing:
                first_seen.setdefault(rid, number)
                if rid not in parsed.records:
                    parsed.records[rid] = {k: row.values[k] for k in IDENTITY_FIELDS if k in row.values}
            kept.append(row)
        parsed.rows[key] = kept
    return parsed


def _quarantine(load: Load, parsed: ParsedBundle) -> None:
    QuarantinedRow.objects.bulk_create(
        [
            QuarantinedRow(
                load=load,
                file=name,
                row_number=row.row_number,
                field=row.problems[0][0],
                reason="; ".join(f"{c}: {r}" if c else r for c, r in row.problems),
                raw={k: v[:1000] for k, v in raw.items() if not k.startswith("__")},
            )
            for name, row, raw in parsed.rejected
        ],
        batch_size=BATCH,
    )


def _write_snapshot(source: Source, parsed: ParsedBundle, progress: Progress | None) -> Snapshot:
    m = parsed.manifest
    snapshot = Snapshot.objects.create(
        source=source,
        content_hash=parsed.content_hash,
        date_current_as_of=m.date_current_as_of,
        coverage_start=m.coverage_start,
        coverage_end=m.coverage_end,
        coverage_area=m.coverage_area,
        coverage_explanation=m.coverage_explanation,
        record_count=len(parsed.records),
        row_count=parsed.rows_read - len(parsed.rejected),
    )
    ids: dict[str, int] = {}
    items = list(parsed.records.items())
    for start in range(0, len(items), BATCH):
        chunk = [SourceRecord(snapshot=snapshot, record_id=rid, **values) for rid, values in items[start : start + BATCH]]
        SourceRecord.objects.bulk_create(chunk)
        ids.update((r.record_id, r.pk) for r in chunk)
        if progress:
            progress("write", start + len(chunk))
    if any(pk is None for pk in list(ids.values())[:1]):  # databases without RETURNING
        ids = dict(SourceRecord.objects.filter(snapshot=snapshot).values_list("record_id", "pk"))
    for key, rows in parsed.rows.items():
        if key not in ROW_MODEL:
            continue
        model = ROW_MODEL[key]
        names = {f.name for f in model._meta.get_fields()}
        objects = [
            model(
                snapshot=snapshot,
                record_id=ids[row.values["record_id"]],
                row_number=row.row_number,
                **{k: v for k, v in row.values.items() if k in names and k not in ("record", "snapshot")},
            )
            for row in rows
        ]
        model.objects.bulk_create(objects, batch_size=BATCH)
    return snapshot


def load_bundle(
    bundle: Path,
    *,
    today: date | None = None,
    config: Configuration | None = None,
    loaded_by: str = "",
    progress: Progress | None = None,
) -> Load:
    """Load one bundle and return its Load record (whose outcome says what happened)."""
    config = config or current_configuration()
    load = Load.objects.create(bundle=str(bundle), loaded_by=loaded_by)
    try:
        parsed = parse_bundle(Path(bundle), today=today, progress=progress)
    except BundleError as exc:
        return _finish(load, Load.Outcome.REFUSED, str(exc))
    m = parsed.manifest
    source, _ = Source.objects.get_or_create(key=m.source_key, defaults={"service": m.service, "name": m.source_name})
    if source.service != m.service:
        return _finish(load, Load.Outcome.REFUSED, f"{bundle}/manifest.toml: source '{m.source_key}' is a {source.service} source, not {m.service}")
    if source.name != m.source_name:
        source.name = m.source_name
        source.save(update_fields=["name"])
    load.source = source
    load.rows_read = parsed.rows_read
    load.rows_rejected = len(parsed.rejected)
    live = source.live_snapshot
    load.quality_report = quality_report(parsed, today=today or timezone.localdate(), previous=live)

    if live is not None and live.content_hash == parsed.content_hash:
        load.snapshot = live
        return _finish(load, Load.Outcome.UNCHANGED, f"{bundle}: identical to the live snapshot; nothing changed")
    if parsed.rows_read == 0 or not parsed.records:
        return _finish(load, Load.Outcome.REFUSED, f"{bundle}: no valid person records; the live snapshot is unchanged", parsed)
    if parsed.rejected_share > config.loading.max_rejected_share:
        return _finish(
            load,
            Load.Outcome.REFUSED,
            f"{bundle}: {len(parsed.rejected)} of {parsed.rows_read} rows ({parsed.rejected_share:.1%}) failed validation, "
            f"more than the {config.loading.max_rejected_share:.0%} allowed (loading.max_rejected_share); "
            "the live snapshot is unchanged",
            parsed,
        )
    drop = 1 - len(parsed.records) / live.record_count if live and live.record_count else 0.0
    with transaction.atomic():
        snapshot = _write_snapshot(source, parsed, progress)
        load.snapshot = snapshot
        if drop > config.loading.max_record_drop_share:
            return _finish(
                load,
                Load.Outcome.HELD,
                f"{bundle}: {len(parsed.records)} people against {live.record_count} in the live snapshot "
                f"(a drop of {drop:.0%}, more than loading.max_record_drop_share); held for a data manager: "
                f"'familycontext accept-load {load.pk}' publishes it",
                parsed,
            )
        publish(snapshot)
        message = f"{bundle}: {m.source_name} loaded, {len(parsed.records)} people, {load.rows_rejected} rows quarantined"
        return _finish(load, Load.Outcome.LOADED, message, parsed)


def _finish(load: Load, outcome: str, message: str, parsed: ParsedBundle | None = None) -> Load:
    if parsed is not None and parsed.rejected:
        _quarantine(load, parsed)
    load.outcome = outcome
    load.message = message
    load.finished_at = timezone.now()
    load.save()
    return load


def accept_held_load(load: Load) -> Load:
    """A data manager accepts a held load: its snapshot goes live."""
    if load.outcome != Load.Outcome.HELD or load.snapshot is None:
        raise BundleError(f"load {load.pk} is not held (it is {load.get_outcome_display().lower()})")
    publish(load.snapshot)
    load.outcome = Load.Outcome.LOADED
    load.message += " — accepted by a data manager"
    load.save(update_fields=["outcome", "message"])
    return load
