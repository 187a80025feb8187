"""Link the records of the newest snapshots and publish the result, all or nothing (issue 17).

A run links each source's snapshot waiting for linkage (a new load), else its live one.
Scoring happens outside the database transaction (it can take a minute); publication happens
inside one: the waiting snapshots go live (``sources.snapshots.publish``), record assignments,
person ids on source records, review queue and evidence are written, and the caller's
``publish_read_model`` (the people read model) is rebuilt, all in that one transaction. So a
page shows either the previous published state or the new one, whole, never new records
without their people; and a failed or killed run leaves the previous state exactly as it was,
its new snapshots still waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from familycontext.config import current as current_configuration
from familycontext.linkage.engine import LinkageResult, link_frame
from familycontext.linkage.models import (
    LinkageRun,
    LinkEvidence,
    PersonIdEvent,
    PolicyOverride,
    RecordAssignment,
    ReviewDecision,
    ReviewPair,
)
from familycontext.linkage.spark_engine import SparkOptions
from familycontext.linkage.stable_ids import assign_person_ids, parse_person_id
from familycontext.linkage.standardise import UNIQUE_ID_SEPARATOR
from familycontext.sources.models import Snapshot, SourceRecord
from familycontext.sources.processes import reap, this_process
from familycontext.sources.snapshots import publish, snapshots_to_link

BATCH = 5000


class LinkageError(RuntimeError):
    """The run could not be made; the previous linkage is untouched."""


def live_records(snapshots: list[int] | None = None) -> pd.DataFrame:
    """Every record the next run links (``snapshots_to_link``, or the given snapshot ids) in the
    standard layout, plus its snapshot id."""
    if snapshots is None:
        snapshots = [s.pk for s in snapshots_to_link()]
    return records_frame(SourceRecord.objects.filter(snapshot_id__in=snapshots))


def records_frame(records: QuerySet[SourceRecord]) -> pd.DataFrame:
    """These source records in the standard layout, plus each one's snapshot id."""
    # (frame column, model field): the standard person-record layout plus the snapshot id.
    fields = {"source": "snapshot__source__key", "snapshot_id": "snapshot_id", "record_id": "record_id"}
    fields.update((name, name) for name in (
        "first_name", "last_name", "other_names", "date_of_birth", "gender", "postcode", "address", "nhs_number"))
    rows = records.values_list(*fields.values())
    columns = list(fields)
    frame = pd.DataFrame.from_records(list(rows.iterator(chunk_size=BATCH)), columns=columns)
    frame["date_of_birth"] = [d.isoformat() if d else "" for d in frame["date_of_birth"]]
    return frame


def decisions() -> list[tuple[str, str, bool]]:
    return list(
        ReviewDecision.objects.order_by("decided_at", "pk").values_list(
            "unique_id_l", "unique_id_r", "same_person"
        )
    )


def overrides() -> dict[str, bool]:
    """The data manager's overrides of the learnt policy: rule (or "band") -> kept on."""
    return dict(PolicyOverride.objects.values_list("rule", "keep_on"))


def next_person_number() -> int:
    latest = (
        PersonIdEvent.objects.filter(kind=PersonIdEvent.Kind.CREATED)
        .order_by("-person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    in_use = (
        RecordAssignment.objects.order_by("-person_id").values_list("person_id", flat=True).first()
    )
    numbers = [parse_person_id(p) or 0 for p in (latest, in_use) if p]
    return max(numbers, default=0) + 1


def _publish(
    run: LinkageRun, frame: pd.DataFrame, result: LinkageResult, say: Callable[[str], None]
) -> None:
    previous = {
        f"{s}{UNIQUE_ID_SEPARATOR}{r}": p
        for s, r, p in RecordAssignment.objects.values_list(
            "source_key", "record_id", "person_id"
        ).iterator(chunk_size=BATCH)
    }
    cluster_of = dict(zip(result.clusters["unique_id"], result.clusters["cluster_id"], strict=True))
    ids = assign_person_ids(cluster_of, previous, next_person_number())
    person_of = {uid: ids.person_of_cluster[c] for uid, c in cluster_of.items()}

    say("Writing record assignments")
    RecordAssignment.objects.all().delete()
    snapshot_of = dict(
        zip(
            frame["source"] + UNIQUE_ID_SEPARATOR + frame["record_id"],
            frame["snapshot_id"],
            strict=True,
        )
    )
    RecordAssignment.objects.bulk_create(
        (
            RecordAssignment(
                run=run,
                source_key=s,
                record_id=r,
                snapshot_id=int(snapshot_of[u]),
                person_id=person_of[u],
            )
            for u, s, r in zip(
                result.clusters["unique_id"],
                result.clusters["source"],
                result.clusters["record_id"],
                strict=True,
            )
        ),
        batch_size=BATCH,
    )
    sr, ra = SourceRecord._meta.db_table, RecordAssignment._meta.db_table
    snapshots = sorted({int(s) for s in frame["snapshot_id"]})
    if snapshots:
        marks = ", ".join(["%s"] * len(snapshots))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {sr} SET person_id = COALESCE((SELECT ra.person_id FROM {ra} ra"  # noqa: S608 - table names from models
                f" WHERE ra.snapshot_id = {sr}.snapshot_id AND ra.record_id = {sr}.record_id), '')"
                f" WHERE snapshot_id IN ({marks})",
                snapshots,
            )

    say("Recording person id changes, review pairs and evidence")
    events = [
        PersonIdEvent(run=run, kind=PersonIdEvent.Kind.CREATED, person_id=p) for p in ids.created
    ]
    events += [
        PersonIdEvent(run=run, kind=PersonIdEvent.Kind.SPLIT, person_id=p, related_person_ids=r)
        for p, r in ids.splits.items()
    ]
    events += [
        PersonIdEvent(run=run, kind=PersonIdEvent.Kind.MERGED, person_id=p, related_person_ids=r)
        for p, r in ids.merges.items()
    ]
    events += [
        PersonIdEvent(run=run, kind=PersonIdEvent.Kind.RETIRED, person_id=p, related_person_ids=r)
        for p, r in ids.retired.items()
    ]
    PersonIdEvent.objects.bulk_create(events, batch_size=BATCH)

    ReviewPair.objects.all().delete()
    ReviewPair.objects.bulk_create(
        (
            ReviewPair(
                run=run,
                unique_id_l=row["unique_id_l"],
                unique_id_r=row["unique_id_r"],
                match_probability=row["match_probability"],
                match_weight=row["match_weight"],
                evidence=result.evidence(row),
                same_person_now=bool(row["same_person_now"]),
                reason=row["reason"],
                queue_order=int(row["queue_order"]),
            )
            for row in result.review.to_dict("records")
        ),
        batch_size=BATCH,
    )
    LinkEvidence.objects.all().delete()
    LinkEvidence.objects.bulk_create(
        (
            LinkEvidence(
                run=run,
                person_id=person_of[row["unique_id_l"]],
                unique_id_l=row["unique_id_l"],
                unique_id_r=row["unique_id_r"],
                match_probability=row["match_probability"],
                match_weight=None if pd.isna(row.get("match_weight")) else row["match_weight"],
                forced_by_decision=bool(row["forced"]),
                evidence={}
                if row["forced"] and pd.isna(row.get("match_weight"))
                else result.evidence(row),
            )
            for row in result.links.to_dict("records")
        ),
        batch_size=BATCH,
    )
    run.people_out = len(ids.person_of_cluster)
    run.figures = result.figures | {
        "person_ids_created": len(ids.created),
        "person_ids_split": len(ids.splits),
        "person_ids_merged": len(ids.merges),
        "person_ids_retired": len(ids.retired),
    }


def _publish_snapshots(linked: list[int]) -> list[Snapshot]:
    """Inside the publication transaction: the waiting snapshots this run linked go live.

    Refused (LinkageError) when one it linked is no longer waiting or live: a newer load of that
    source replaced it while the run was scoring, so the run's people do not describe it.
    """
    found = {s.pk: s for s in Snapshot.objects.select_for_update().filter(pk__in=linked).select_related("source")}
    gone = [pk for pk in linked if pk not in found or not (found[pk].live or found[pk].waiting)]
    if gone:
        raise LinkageError(f"snapshot(s) {', '.join(map(str, gone))} were replaced by a newer load while this run "
                           "was linking; run 'familycontext link' again to link the newest")
    published = [s for s in found.values() if s.waiting]
    for snapshot in published:
        publish(snapshot)
    return published


def running_run() -> LinkageRun | None:
    """The linkage run in progress (after reaping abandoned ones), if any."""
    reap_abandoned()
    return LinkageRun.objects.filter(outcome=LinkageRun.Outcome.RUNNING).order_by("-started_at").first()


def start_in_background() -> int:
    """Start ``familycontext link`` as a process of its own (the data manager's "Run linkage now").

    Detached from the web worker (its own session), so the run outlives the request; its log
    lines go where this process's go. Returns the new process's id.
    """
    import subprocess
    import sys

    process = subprocess.Popen(  # noqa: S603 - our own interpreter and command, no user input
        [sys.executable, "-m", "familycontext.cli", "link", "--verbosity", "0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True,
    )
    return process.pid


def reap_abandoned() -> list[int]:
    """Mark linkage runs whose process is gone as abandoned (``sources.processes.reap``)."""
    return reap(LinkageRun, LinkageRun.Outcome.RUNNING, LinkageRun.Outcome.ABANDONED)


def run_linkage(progress: bool = True, *, seed: int = 42,
                publish_read_model: Callable[[], Any] | None = None) -> LinkageRun:
    """Link the newest snapshots' records, publish them with stable person ids, and return the run's record.

    ``publish_read_model`` (the people read model's rebuild) runs inside the publication
    transaction, after the new snapshots and person ids are in place. Raises LinkageError (with
    the run marked failed) if anything goes wrong; nothing the previous run published is
    changed in that case and loaded snapshots stay waiting.
    """
    from rich.console import Console

    console = Console(stderr=True)

    def say(message: str) -> None:
        if progress:
            console.log(message)

    settings = current_configuration().linkage
    started = time.perf_counter()
    reap_abandoned()
    host, pid = this_process()
    run = LinkageRun.objects.create(
        host=host,
        pid=pid,
        started_at=timezone.now(),
        upper_threshold=settings.upper_threshold,
        lower_threshold=settings.lower_threshold,
        engine=settings.engine,
    )
    try:
        linked = [s.pk for s in snapshots_to_link()]
        say(f"Reading the records of {len(linked)} snapshots")
        frame = live_records(linked)
        result = link_frame(
            frame.drop(columns=["snapshot_id"]),
            upper=settings.upper_threshold,
            lower=settings.lower_threshold,
            decisions=decisions(),
            overrides=overrides(),
            seed=seed,
            progress=say,
            engine=settings.engine,
            spark=SparkOptions.from_config(settings),
        )
        with transaction.atomic():
            published = _publish_snapshots(linked)
            _publish(run, frame, result, say)
            run.records_in = result.figures["records_in"]
            run.links_made = result.figures["links_made"]
            run.pairs_for_review = result.figures["pairs_for_review"]
            run.snapshots = sorted(linked)
            run.figures = (run.figures or {}) | {"snapshots_published": sorted(s.pk for s in published)}
            run.model_parameters = _jsonable(result.parameters)
            run.outcome = LinkageRun.Outcome.FINISHED
            run.finished_at = timezone.now()
            run.duration_seconds = round(time.perf_counter() - started, 2)
            run.save()
            if publish_read_model is not None:
                say("Rebuilding the people read model")
                publish_read_model()
    except Exception as exc:
        LinkageRun.objects.filter(pk=run.pk).update(
            outcome=LinkageRun.Outcome.FAILED,
            message=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
            duration_seconds=round(time.perf_counter() - started, 2),
        )
        raise LinkageError(
            f"Linkage run {run.pk} failed: {exc}. The previous linkage is unchanged."
        ) from exc
    say(
        f"Done: {run.records_in} records, {run.people_out} people, {run.pairs_for_review} pairs for review"
    )
    return run


def _jsonable(value: Any) -> Any:
    """Splink's model dict holds floats such as inf; JSON columns need plain values."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value
