"""The database run: stable person ids, decisions obeyed, all-or-nothing publication."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.utils import timezone

from familycontext.linkage import runs
from familycontext.linkage.engine import link_frame
from familycontext.linkage.models import (
    LinkageRun,
    LinkEvidence,
    PersonIdEvent,
    RecordAssignment,
    ReviewDecision,
)
from familycontext.linkage.runs import LinkageError, run_linkage
from familycontext.sources.models import Snapshot, Source, SourceRecord
from tests.linkage.messy import population

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _load(records: pd.DataFrame, replace: str | None = None) -> None:
    """Make one live snapshot per source (only ``replace``'s when given)."""
    for key, group in records.groupby("source"):
        if replace and key != replace:
            continue
        source, _ = Source.objects.get_or_create(
            key=key, defaults={"service": key, "name": key.title()}
        )
        source.snapshots.filter(live=True).update(live=False)
        snapshot = Snapshot.objects.create(
            source=source,
            live=True,
            content_hash=str(len(group)),
            date_current_as_of=timezone.now(),
        )
        SourceRecord.objects.bulk_create(
            SourceRecord(
                snapshot=snapshot,
                record_id=row.record_id,
                first_name=row.first_name,
                last_name=row.last_name,
                date_of_birth=dt.date.fromisoformat(row.date_of_birth)
                if row.date_of_birth
                else None,
                gender=row.gender,
                postcode=row.postcode,
                address=row.address,
            )
            for row in group.itertuples()
        )


def _people() -> dict[str, str]:
    return {
        f"{s}:{r}": p
        for s, r, p in SourceRecord.objects.filter(snapshot__live=True).values_list(
            "snapshot__source__key", "record_id", "person_id"
        )
    }


@pytest.fixture(scope="module")
def trained() -> dict:
    """Splink trained once for the module on the population every test loads: these tests are
    about person ids, decisions and publication, which read the trained model but do not test
    training (test_hard_cases, test_link_records_command and the benchmarks do)."""
    records, _truth = population(150, seed=21)
    return link_frame(records).parameters


@pytest.fixture(autouse=True)
def _shared_training(monkeypatch: pytest.MonkeyPatch, trained: dict) -> None:
    real = runs.link_frame

    def link_with_the_trained_model(frame: pd.DataFrame, **options):
        options["parameters"] = options.get("parameters") or trained
        return real(frame, **options)

    monkeypatch.setattr(runs, "link_frame", link_with_the_trained_model)


@pytest.fixture
def linked() -> tuple[pd.DataFrame, LinkageRun]:
    records, _truth = population(150, seed=21)
    _load(records)
    return records, run_linkage(progress=False)


def test_run_gives_every_live_record_a_person_and_keeps_its_figures(
    linked: tuple[pd.DataFrame, LinkageRun],
) -> None:
    records, run = linked
    people = _people()
    assert len(people) == len(records) and all(p.startswith("P") for p in people.values())
    assert RecordAssignment.objects.count() == len(records)
    run.refresh_from_db()
    assert run.outcome == LinkageRun.Outcome.FINISHED
    assert run.records_in == len(records) and run.people_out == len(set(people.values()))
    assert run.model_parameters["comparisons"] and run.links_made == LinkEvidence.objects.count()
    assert PersonIdEvent.objects.filter(kind="created").count() == run.people_out


def test_rerun_keeps_every_person_id(linked: tuple[pd.DataFrame, LinkageRun]) -> None:
    before = _people()
    run_linkage(progress=False)
    assert _people() == before
    assert not PersonIdEvent.objects.exclude(run=linked[1]).exists()


def test_new_snapshot_adding_a_record_keeps_ids_and_joins_the_record_to_its_person(
    linked: tuple[pd.DataFrame, LinkageRun],
) -> None:
    records, _run = linked
    before = _people()
    police = records[records["source"] == "police"]
    person = records[records["source"] == "school"].iloc[0]
    extra = person.to_dict() | {"source": "police", "record_id": "NEW0001"}
    _load(pd.concat([police, pd.DataFrame([extra])]), replace="police")
    run_linkage(progress=False)
    after = _people()
    assert {k: after[k] for k in before} == before
    assert after["police:NEW0001"] == before[f"school:{person.record_id}"]


def test_different_people_decision_splits_and_the_bigger_part_keeps_the_id(
    linked: tuple[pd.DataFrame, LinkageRun],
) -> None:
    evidence = LinkEvidence.objects.order_by("match_probability").first()
    assert evidence is not None
    before = _people()
    ReviewDecision.objects.create(
        unique_id_l=evidence.unique_id_l,
        unique_id_r=evidence.unique_id_r,
        same_person=False,
        decided_by="dm",
        decided_at=timezone.now(),
    )
    run_linkage(progress=False)
    after = _people()
    assert after[evidence.unique_id_l] != after[evidence.unique_id_r]
    assert before[evidence.unique_id_l] in (
        after[evidence.unique_id_l],
        after[evidence.unique_id_r],
    )
    assert PersonIdEvent.objects.filter(
        kind="split", person_id=before[evidence.unique_id_l]
    ).exists()


def test_same_person_decision_joins_and_records_a_merge(
    linked: tuple[pd.DataFrame, LinkageRun],
) -> None:
    before = _people()
    a, b = (
        sorted(before)[0],
        next(k for k in sorted(before) if before[k] != before[sorted(before)[0]]),
    )
    ReviewDecision.objects.create(
        unique_id_l=a, unique_id_r=b, same_person=True, decided_by="dm", decided_at=timezone.now()
    )
    run_linkage(progress=False)
    after = _people()
    assert after[a] == after[b]
    assert PersonIdEvent.objects.filter(kind="merged", person_id=after[a]).exists()


def test_failed_publication_leaves_the_previous_linkage_intact(
    linked: tuple[pd.DataFrame, LinkageRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _people()
    assignments = RecordAssignment.objects.count()
    real = runs.ReviewPair.objects.bulk_create

    def broken(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(runs.ReviewPair.objects, "bulk_create", broken)
    with pytest.raises(LinkageError, match="previous linkage is unchanged"):
        run_linkage(progress=False)
    assert _people() == before and RecordAssignment.objects.count() == assignments
    assert LinkageRun.objects.first().outcome == LinkageRun.Outcome.FAILED


def test_links_command_writes_service_record_id_and_person_id(
    linked: tuple[pd.DataFrame, LinkageRun], tmp_path
) -> None:
    from django.core.management import call_command

    out = tmp_path / "links.csv"
    call_command("links", "--out", str(out), stdout=open(tmp_path / "log", "w"))
    written = pd.read_csv(out, dtype=str)
    assert list(written.columns) == ["service", "record_id", "person_id"]
    people = _people()
    assert len(written) == len(people)
    assert all(
        people[f"{s}:{r}"] == p
        for s, r, p in zip(
            written["service"], written["record_id"], written["person_id"], strict=True
        )
    )
