from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from familycontext.sources.loader import accept_held_load, load_bundle
from familycontext.sources.models import Load, PoliceOffence, QuarantinedRow, Snapshot, SourceRecord
from tests.sources.bundles import load_live, person, publish_waiting, write_bundle

pytestmark = pytest.mark.django_db


def _people(n: int) -> list[dict]:
    return [person(f"C{i}", first=f"Child{i}") for i in range(n)]


def _live(service: str = "cms") -> Snapshot | None:
    return Snapshot.objects.filter(live=True, source__service=service).first()


def test_good_bundle_waits_for_linkage_then_becomes_the_live_snapshot(tmp_path):
    bundle = write_bundle(tmp_path / "cms", "cms", {"people": _people(3)})
    load = load_bundle(bundle)
    assert load.outcome == Load.Outcome.LOADED and "waiting for linkage" in load.message
    assert _live() is None and Snapshot.objects.get(waiting=True).pk == load.snapshot_id
    publish_waiting()
    snap = _live()
    assert snap.pk == load.snapshot_id and not snap.waiting
    assert snap.record_count == 3 and snap.coverage_area == "Northmoor"
    assert set(SourceRecord.objects.filter(snapshot=snap).values_list("record_id", flat=True)) == {"C0", "C1", "C2"}


def test_an_impossible_date_of_birth_is_blanked_and_counted_not_the_row_lost(tmp_path):
    rows = _people(30)
    rows[4]["date_of_birth"] = "31/02/2015"
    rows[7]["date_of_birth"] = "1906-02-29"
    load = load_live(write_bundle(tmp_path / "cms", "cms", {"people": rows}))
    assert load.outcome == Load.Outcome.LOADED
    assert not QuarantinedRow.objects.filter(load=load).exists()
    assert _live().record_count == 30
    kept = SourceRecord.objects.get(snapshot=_live(), record_id=rows[4]["record_id"])
    assert kept.date_of_birth is None and kept.first_name == rows[4]["first_name"]
    identity = load.quality_report["identity"]
    assert identity["impossible_dates_of_birth"] == 2
    first = identity["impossible_dates_of_birth_first_rows"]
    assert first[0].startswith("people.csv row 6: ") and "31/02/2015" in first[0]
    assert "people.csv row 9: " in first[1] and "1906-02-29" in first[1]


def test_missing_required_column_refuses_bundle_and_keeps_live_snapshot(tmp_path):
    load_live(write_bundle(tmp_path / "v1", "cms", {"people": _people(5)}))
    before = _live()
    cols = [c for c in ("record_id", "first_name", "date_of_birth")]
    load = load_bundle(write_bundle(tmp_path / "v2", "cms", {"people": _people(7)}, columns={"people": cols}))
    assert load.outcome == Load.Outcome.REFUSED
    assert "last_name" in load.message and "people.csv" in load.message
    assert _live().pk == before.pk and SourceRecord.objects.filter(snapshot=before).count() == 5


def test_over_threshold_reject_rate_refuses_whole_bundle(tmp_path, settings):
    rows = _people(10)
    for r in rows[:3]:
        r["first_name"] = r["last_name"] = ""
    load = load_bundle(write_bundle(tmp_path / "cms", "cms", {"people": rows}))
    assert load.outcome == Load.Outcome.REFUSED and "30.0%" in load.message
    assert _live() is None
    assert QuarantinedRow.objects.filter(load=load).count() == 3


def test_loading_the_same_bundle_twice_changes_nothing(tmp_path):
    bundle = write_bundle(tmp_path / "cms", "cms", {"people": _people(4)})
    first = load_bundle(bundle)
    ids = list(SourceRecord.objects.order_by("pk").values_list("pk", flat=True))
    second = load_bundle(bundle)
    assert second.outcome == Load.Outcome.UNCHANGED and second.snapshot_id == first.snapshot_id
    assert list(SourceRecord.objects.order_by("pk").values_list("pk", flat=True)) == ids
    assert Snapshot.objects.count() == 1


def test_new_snapshot_replaces_old_atomically_and_old_rows_vanish(tmp_path):
    load_live(write_bundle(tmp_path / "v1", "cms", {"people": _people(4)}))
    old = _live()
    rows = _people(5)
    rows[0]["first_name"] = "Renamed"
    load_bundle(write_bundle(tmp_path / "v2", "cms", {"people": rows}, date_current_as_of="2026-11-21"))
    assert _live().pk == old.pk and SourceRecord.objects.filter(snapshot=old).count() == 4  # until linkage
    publish_waiting()
    new = _live()
    assert new.pk != old.pk and Snapshot.objects.filter(live=True).count() == 1
    assert not SourceRecord.objects.filter(snapshot=old).exists()
    assert SourceRecord.objects.get(snapshot=new, record_id="C0").first_name == "Renamed"


def test_large_drop_in_records_is_held_until_a_data_manager_accepts(tmp_path):
    load_live(write_bundle(tmp_path / "v1", "cms", {"people": _people(10)}))
    old = _live()
    held = load_bundle(write_bundle(tmp_path / "v2", "cms", {"people": _people(3)}))
    assert held.outcome == Load.Outcome.HELD and _live().pk == old.pk
    accept_held_load(held)
    assert _live().pk == old.pk and Snapshot.objects.get(waiting=True).pk == held.snapshot_id
    publish_waiting()
    assert _live().pk == held.snapshot_id and _live().record_count == 3


def test_offence_for_unknown_person_is_quarantined(tmp_path):
    people = [person("P1", police_area="North"), person("P2")]
    offences = [
        {"record_id": "P1", "offence_date": "2025-01-02", "offence_type": "Robbery", "nature_of_involvement": "Convicted"},
        {"record_id": "NOPE", "offence_date": "2025-01-02", "offence_type": "Robbery", "nature_of_involvement": "Suspect"},
    ] + [{"record_id": "P2", "offence_date": "2024-05-06", "offence_type": "Arson", "nature_of_involvement": "Offender"}] * 20
    load = load_bundle(write_bundle(tmp_path / "police", "police", {"people": people, "offences": offences}))
    assert load.outcome == Load.Outcome.LOADED, load.message
    bad = QuarantinedRow.objects.get(load=load)
    assert bad.file == "offences.csv" and bad.row_number == 3 and bad.field == "record_id"
    assert PoliceOffence.objects.filter(nature_of_involvement="Convicted").count() == 21


def test_broken_manifest_is_refused_with_the_key_named(tmp_path):
    bundle = write_bundle(tmp_path / "cms", "cms", {"people": _people(2)})
    manifest = bundle / "manifest.toml"
    manifest.write_text(manifest.read_text().replace('service = "cms"', 'service = "social"'))
    load = load_bundle(bundle)
    assert load.outcome == Load.Outcome.REFUSED and "'service'" in load.message


def test_load_command_fails_with_a_message_naming_the_column(tmp_path, capsys):
    bundle = write_bundle(tmp_path / "cms", "cms", {"people": _people(2)}, columns={"people": ["record_id", "first_name"]})
    with pytest.raises(CommandError, match="1 of 1 bundles were not loaded"):
        call_command("load", str(bundle))
    out = capsys.readouterr().out
    assert "'last_name'" in out and "Traceback" not in out


def test_invalid_nhs_number_blanks_the_field_but_keeps_the_person(tmp_path):
    rows = _people(2)
    rows[0]["nhs_number"] = "943 476 5918"  # wrong check digit
    rows[1]["nhs_number"] = "943 476 5919"  # valid
    load = load_bundle(write_bundle(tmp_path / "cms", "cms", {"people": rows}))
    assert load.outcome == Load.Outcome.LOADED
    assert dict(SourceRecord.objects.values_list("record_id", "nhs_number")) == {"C0": "", "C1": "9434765919"}
    assert load.quality_report["warnings_by_column"] == {"nhs_number": 1}


def test_placeholder_nhs_number_is_refused_with_a_counted_reason(tmp_path):
    rows = _people(3)
    rows[0]["nhs_number"] = "0000000000"  # passes the check digit: a system's "none"
    rows[1]["nhs_number"] = "943 476 5918"  # wrong check digit
    rows[2]["nhs_number"] = "943 476 5919"
    load = load_bundle(write_bundle(tmp_path / "cms", "cms", {"people": rows}))
    assert load.outcome == Load.Outcome.LOADED
    assert dict(SourceRecord.objects.values_list("record_id", "nhs_number")) == {
        "C0": "", "C1": "", "C2": "9434765919"}
    assert load.quality_report["identity"]["nhs_numbers_refused"] == {"check_digit": 1, "placeholder": 1}
