"""Held, refused and rejected loads never touch the live snapshot; reject-load discards a held load."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from familycontext.sources.errors import BundleError
from familycontext.sources.loader import accept_held_load, load_bundle, reject_held_load
from familycontext.sources.models import Load, QuarantinedRow, Snapshot, SourceRecord
from tests.sources.bundles import load_live, person, publish_waiting, write_bundle

pytestmark = pytest.mark.django_db


def _people(n: int, prefix: str = "C") -> list[dict]:
    return [person(f"{prefix}{i}", first=f"Child{i}") for i in range(n)]


def _live() -> Snapshot:
    return Snapshot.objects.get(live=True, source__key="cms")


def _state() -> tuple[int, list]:
    snap = _live()
    return snap.pk, sorted(SourceRecord.objects.filter(snapshot=snap).values_list("record_id", "first_name"))


@pytest.fixture
def held(tmp_path) -> Load:
    load_live(write_bundle(tmp_path / "v1", "cms", {"people": _people(10)}))
    load = load_bundle(write_bundle(tmp_path / "v2", "cms", {"people": _people(3, "N")}, date_current_as_of="2026-11-21"))
    assert load.outcome == Load.Outcome.HELD
    return load


def test_held_load_leaves_live_records_exactly_as_they_were(tmp_path, held):
    assert _state()[1] == sorted((f"C{i}", f"Child{i}") for i in range(10))
    assert not Snapshot.objects.get(pk=held.snapshot_id).live


def test_reject_load_deletes_the_held_snapshot_and_keeps_live(held, capsys):
    before = _state()
    call_command("reject_load", str(held.pk))
    held.refresh_from_db()
    assert held.outcome == Load.Outcome.REJECTED and held.snapshot_id is None
    assert "rejected by a data manager" in capsys.readouterr().out
    assert not SourceRecord.objects.filter(record_id__startswith="N").exists()
    assert _state() == before and Snapshot.objects.count() == 1


def test_a_rejected_load_cannot_then_be_accepted(held):
    reject_held_load(held)
    with pytest.raises(BundleError, match="is not held"):
        accept_held_load(held)


def test_reject_load_of_a_loaded_load_exits_non_zero(tmp_path):
    load = load_live(write_bundle(tmp_path / "v1", "cms", {"people": _people(2)}))
    with pytest.raises(CommandError, match="is not held"):
        call_command("reject_load", str(load.pk))
    with pytest.raises(CommandError, match="there is no load 999"):
        call_command("reject_load", "999")
    assert _live().pk == load.snapshot_id


def test_accepting_a_held_load_older_than_the_live_snapshot_is_refused(tmp_path, held):
    newer = load_bundle(write_bundle(tmp_path / "v3", "cms", {"people": _people(9, "M")}, date_current_as_of="2026-11-22"))
    assert newer.outcome == Load.Outcome.LOADED
    with pytest.raises(BundleError, match="older than the snapshot waiting for linkage"):
        accept_held_load(held)
    assert Snapshot.objects.get(waiting=True).pk == newer.snapshot_id
    publish_waiting()
    with pytest.raises(BundleError, match="older than the live snapshot"):
        accept_held_load(held)
    assert _live().pk == newer.snapshot_id


def test_refused_load_keeps_its_quarantine_and_live_data(tmp_path):
    load_live(write_bundle(tmp_path / "v1", "cms", {"people": _people(5)}))
    before = _state()
    rows = _people(5, "X")
    for r in rows:
        r["first_name"] = "=HYPERLINK(1)"  # (a bad date of birth is blanked now, not quarantined)
    load = load_bundle(write_bundle(tmp_path / "v2", "cms", {"people": rows}, date_current_as_of="2026-11-21"))
    assert load.outcome == Load.Outcome.REFUSED and load.snapshot_id is None
    assert "first: people.csv, row 2, column first_name" in load.message
    assert QuarantinedRow.objects.filter(load=load).count() == 5
    assert _state() == before
