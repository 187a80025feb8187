"""Load a bundle: read → validate → quarantine → snapshot, waiting for linkage (SPEC 3, issue 17).

Nothing is silently dropped: every rejected row is kept with file, row, column and reason.
A bundle that cannot be trusted (broken manifest, missing columns, too many rejected rows) is
refused whole and the live snapshot stays as it was. All writes of a good load happen in one
transaction, so a load killed part way leaves the previous snapshot live and intact.

A good load does not go live by itself: its snapshot waits (``snapshots.stage``) until a linkage
run links it and publishes snapshot, linkage and people together. Until then every page shows
the previous published state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from familycontext.config import Configuration
from familycontext.config import current as current_configuration
from familycontext.sources.errors import BundleError
from familycontext.sources.mapping import Part, discover_parts
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
from familycontext.sources.parsed import ParsedBundle, Rejected
from familycontext.sources.processes import reap, this_process
from familycontext.sources.quality import quality_report
from familycontext.sources.rows import CheckedRow, check_row
from familycontext.sources.services import IDENTITY_COLUMNS
from familycontext.sources.snapshots import discard_rows, stage

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
WAITING = "waiting for linkage: pages show it after the next 'familycontext link' run"

Progress = Callable[[str, int], None]


def find_parts(bundle: Path, *, mapping: str | None = None) -> list[Part]:
    """The services a bundle folder holds (one, unless a mapping splits a combined extract)."""
    return discover_parts(Path(bundle), mapping=mapping)


def _choose(bundle: Path, parts: list[Part], service: str | None) -> Part:
    if service is not None:
        for part in parts:
            if part.service == service:
                return part
        raise BundleError(f"{bundle}: holds no {service} extract (it holds {', '.join(p.service for p in parts)})")
    if len(parts) > 1:
        raise BundleError(f"{bundle}: holds {len(parts)} services ({', '.join(p.service for p in parts)}); "
                          "load it with 'familycontext load', which loads each, or name one service")
    return parts[0]


def parse_bundle(bundle: Path, *, today: date | None = None, progress: Progress | None = None,
                 mapping: str | None = None, service: str | None = None) -> ParsedBundle:
    """Read and validate every row of a bundle. Raises BundleError when the bundle is unusable."""
    bundle = Path(bundle)
    return parse_part(_choose(bundle, find_parts(bundle, mapping=mapping), service), today=today, progress=progress)


def parse_part(part: Part, *, today: date | None = None, progress: Progress | None = None) -> ParsedBundle:
    """Validate one service's rows; person-bearing files first, so the others can check their record_ids."""
    today = today or timezone.localdate()
    parsed = ParsedBundle(part.manifest, part.file_names, part.content_hash, mapping=part.mapping)
    for spec in sorted(part.files, key=lambda s: (not s.person_bearing, s.name)):
        key = (spec.service, spec.name)
        first_seen: dict[str, tuple[str, int]] = {}
        kept: list[CheckedRow] = []
        for source_row in part.files[spec]():
            parsed.rows_read += 1
            if progress and parsed.rows_read % 10_000 == 0:
                progress("read", parsed.rows_read)
            row = check_row(spec, source_row.number, source_row.values, today)
            row.problems[:0] = [p for p in source_row.problems if p[0] != "date_of_birth"]
            unread_dob = [(c, f"{r}; left blank") for c, r in source_row.problems if c == "date_of_birth"]
            if unread_dob:  # the mapping's words name the expected format: they replace the check's
                row.warnings = [w for w in row.warnings if w[0] != "date_of_birth"] + unread_dob
                row.values["date_of_birth"] = None
            rid = row.values.get("record_id", "")
            if row.ok and spec.person_bearing and key in ONE_ROW_PER_PERSON and rid in first_seen:
                file, number = first_seen[rid]
                at = f"row {number}" if file == source_row.file else f"{file} row {number}"
                row.problems.append(("record_id", f"record_id {rid!r} already appears at {at}"))
            if row.ok and not spec.person_bearing:
                if rid not in parsed.records:
                    row.problems.append(("record_id", f"no person with record_id {rid!r} in this bundle"))
                elif key == ("cms", "relationships") and row.values["related_record_id"] not in parsed.records:
                    row.problems.append(
                        ("related_record_id", f"no person with record_id {row.values['related_record_id']!r} in people.csv")
                    )
            if not row.ok:
                parsed.rejected.append(Rejected(source_row.file, row, source_row.original, source_row.columns))
                continue
            if row.warnings:
                parsed.warnings.append((source_row.file, row))
            if spec.person_bearing:
                first_seen.setdefault(rid, (source_row.file, source_row.number))
                if rid not in parsed.records:
                    parsed.records[rid] = {k: row.values[k] for k in IDENTITY_FIELDS if k in row.values}
            kept.append(row)
        parsed.rows[key] = kept
    parsed.notes = list(part.notes)
    parsed.skipped = dict(part.skipped)
    parsed.detected = dict(part.detected)
    return parsed


def _quarantine(load: Load, parsed: ParsedBundle) -> None:
    QuarantinedRow.objects.bulk_create(
        [
            QuarantinedRow(
                load=load,
                file=item.file[:200],
                row_number=item.row.row_number,
                field=item.label(item.row.problems[0][0])[:100],
                reason="; ".join(f"{item.label(c)}: {r}" if c else r for c, r in item.row.problems),
                raw={k[:200]: v[:1000] for k, v in list(item.original.items())[:200]},
            )
            for item in parsed.rejected
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
    mapping: str | None = None,
    service: str | None = None,
) -> Load:
    """Load one bundle and return its Load record (whose outcome says what happened).

    A folder that holds several services (through a mapping) needs ``service``; ``load_bundles``
    loads them all.
    """
    try:
        part = _choose(Path(bundle), find_parts(Path(bundle), mapping=mapping), service)
    except BundleError as exc:
        return _refused(bundle, loaded_by, exc)
    return load_part(bundle, part, today=today, config=config, loaded_by=loaded_by, progress=progress)


def load_bundles(
    bundle: Path,
    *,
    today: date | None = None,
    config: Configuration | None = None,
    loaded_by: str = "",
    progress: Progress | None = None,
    mapping: str | None = None,
) -> list[Load]:
    """Load every service a bundle folder holds: one Load each, or one refused Load if the folder is unusable."""
    try:
        parts = find_parts(Path(bundle), mapping=mapping)
    except BundleError as exc:
        return [_refused(bundle, loaded_by, exc)]
    return [load_part(bundle, part, today=today, config=config, loaded_by=loaded_by, progress=progress) for part in parts]


def _start(bundle: str, loaded_by: str) -> Load:
    host, pid = this_process()
    return Load.objects.create(bundle=bundle[:500], loaded_by=loaded_by, host=host, pid=pid)


def _refused(bundle: Path, loaded_by: str, exc: BundleError) -> Load:
    load = _start(str(bundle), loaded_by)
    return _finish(load, Load.Outcome.REFUSED, str(exc))


def load_part(
    bundle: Path,
    part: Part,
    *,
    today: date | None = None,
    config: Configuration | None = None,
    loaded_by: str = "",
    progress: Progress | None = None,
) -> Load:
    """Validate and load one service's part of a bundle; refused, held or unchanged loads never touch the live snapshot."""
    config = config or current_configuration()
    today = today or timezone.localdate()
    label = f"{bundle} ({part.service})" if part.mapping else str(bundle)
    load = _start(label, loaded_by)
    try:
        return _load(load, label, part, today=today, config=config, progress=progress)
    except Exception as exc:  # a bug or a broken database: the load is failed, not left "running"
        Load.objects.filter(pk=load.pk, outcome=Load.Outcome.RUNNING).update(
            outcome=Load.Outcome.FAILED, message=f"{label}: {type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now())
        raise


def _load(load: Load, label: str, part: Part, *, today: date, config: Configuration,
          progress: Progress | None) -> Load:
    try:
        parsed = parse_part(part, today=today, progress=progress)
    except BundleError as exc:
        return _finish(load, Load.Outcome.REFUSED, str(exc))
    m = parsed.manifest
    source, _ = Source.objects.get_or_create(key=m.source_key, defaults={"service": m.service, "name": m.source_name})
    if source.service != m.service:
        return _finish(load, Load.Outcome.REFUSED, f"{label}: source '{m.source_key}' is a {source.service} source, not {m.service}")
    load.source = source
    load.rows_read = parsed.rows_read
    load.rows_rejected = len(parsed.rejected)
    # Compared with what the next linkage run would publish: a waiting snapshot, else the live one.
    live = source.newest_snapshot
    load.quality_report = quality_report(parsed, today=today, previous=live, config=config)

    if live is not None and live.content_hash == parsed.content_hash:
        load.snapshot = live
        what = "the live snapshot" if live.live else "the snapshot waiting for linkage"
        return _finish(load, Load.Outcome.UNCHANGED, f"{label}: identical to {what}; nothing changed")
    if parsed.rows_read == 0 or not parsed.records:
        return _finish(load, Load.Outcome.REFUSED,
                       f"{label}: no valid person records{_first_problem(parsed)}; the live snapshot is unchanged", parsed)
    if parsed.rejected_share > config.loading.max_rejected_share:
        example = _first_problem(parsed)
        return _finish(
            load,
            Load.Outcome.REFUSED,
            f"{label}: {len(parsed.rejected)} of {parsed.rows_read} rows ({parsed.rejected_share:.1%}) failed validation, "
            f"more than the {config.loading.max_rejected_share:.0%} allowed (loading.max_rejected_share){example}; "
            "the live snapshot is unchanged",
            parsed,
        )
    drop = 1 - len(parsed.records) / live.record_count if live and live.record_count else 0.0
    with transaction.atomic():
        if source.name != m.source_name:
            source.name = m.source_name
            source.save(update_fields=["name"])
        snapshot = _write_snapshot(source, parsed, progress)
        load.snapshot = snapshot
        if drop > config.loading.max_record_drop_share:
            return _finish(
                load,
                Load.Outcome.HELD,
                f"{label}: {len(parsed.records)} people against {live.record_count} in the "
                f"{'live snapshot' if live.live else 'snapshot waiting for linkage'} "
                f"(a drop of {drop:.0%}, more than loading.max_record_drop_share); held for a data manager: "
                f"'familycontext accept-load {load.pk}' accepts it (live after the next linkage run), "
                f"'familycontext reject-load {load.pk}' discards it",
                parsed,
            )
        stage(snapshot)
        message = (f"{label}: {m.source_name} loaded, {len(parsed.records)} people, {load.rows_rejected} rows "
                   f"quarantined; {WAITING}")
        return _finish(load, Load.Outcome.LOADED, message, parsed)


def _first_problem(parsed: ParsedBundle) -> str:
    """The first quarantined row, so a refusal message names a file, row and column to start from."""
    if not parsed.rejected:
        return ""
    first = parsed.rejected[0]
    column = first.label(first.row.problems[0][0])
    return (f" ({len(parsed.rejected)} rows quarantined; first: {first.file}, row {first.row.row_number}"
            f"{', column ' + column if column else ''}: {first.row.problems[0][1]})")[:600]


def _finish(load: Load, outcome: str, message: str, parsed: ParsedBundle | None = None) -> Load:
    if parsed is not None and parsed.rejected:
        _quarantine(load, parsed)
    load.outcome = outcome
    load.message = message
    load.finished_at = timezone.now()
    load.save()
    return load


def accept_held_load(load: Load) -> Load:
    """A data manager accepts a held load: its snapshot waits for the linkage run that makes it live.

    Refused when a newer snapshot of the same source went live meanwhile: accepting would put
    older data in front of users.
    """
    if load.outcome != Load.Outcome.HELD or load.snapshot is None:
        raise BundleError(f"load {load.pk} is not held (it is {load.get_outcome_display().lower()})")
    with transaction.atomic():
        live = load.snapshot.source.newest_snapshot
        if live is not None and live.pk > load.snapshot.pk:
            what = "live snapshot" if live.live else "snapshot waiting for linkage"
            raise BundleError(f"load {load.pk} is older than the {what} of {load.snapshot.source.key} "
                              f"(loaded after it); reject it instead")
        stage(load.snapshot)
        load.outcome = Load.Outcome.LOADED
        load.message += f" — accepted by a data manager; {WAITING}"
        load.save(update_fields=["outcome", "message"])
    return load


def reject_held_load(load: Load, *, by: str = "") -> Load:
    """A data manager rejects a held load: its snapshot and rows are deleted; the live one is untouched."""
    if load.outcome != Load.Outcome.HELD or load.snapshot is None:
        raise BundleError(f"load {load.pk} is not held (it is {load.get_outcome_display().lower()})")
    with transaction.atomic():
        snapshot = load.snapshot
        if snapshot.live:  # cannot happen through the product; refuse rather than delete live data
            raise BundleError(f"load {load.pk}'s snapshot is live; it cannot be rejected")
        discard_rows(snapshot)
        load.snapshot = None
        load.outcome = Load.Outcome.REJECTED
        load.message += " — rejected by a data manager" + (f" ({by})" if by else "")
        load.save(update_fields=["snapshot", "outcome", "message"])
        Snapshot.objects.filter(pk=snapshot.pk, live=False).delete()
    return load


def reap_abandoned_loads() -> list[int]:
    """Mark loads whose process is gone as abandoned (``sources.processes.reap``)."""
    return reap(Load, Load.Outcome.RUNNING, Load.Outcome.ABANDONED)
