"""The SPEC 3.1 data-quality checklist, and `familycontext dq` which reports without loading."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command

from familycontext.sources.loader import parse_bundle
from familycontext.sources.models import Load, QuarantinedRow, Snapshot, Source
from familycontext.sources.quality import quality_report
from tests.sources.bundles import load_live, person, write_bundle

TODAY = date(2026, 11, 20)


def _offence(rid: str, when: str, kind: str, nature: str = "Convicted") -> dict:
    return {"record_id": rid, "offence_date": when, "offence_type": kind, "nature_of_involvement": nature}


def _police_bundle(tmp_path):
    people = [person(f"P{i}", police_area="North" if i % 2 else "", contact_phone="0161 496 0000") for i in range(10)]
    offences = [
        _offence("P0", "2025-01-01", "Robbery"),
        _offence("P1", "2025-01-01", "Rape"), _offence("P1", "2024-01-01", "Homicide"),
        *[_offence("P2", f"202{y}-01-01", "Violence with injury") for y in range(2, 6)],
        _offence("P3", "2015-01-01", "Robbery"),  # a conviction outside the 5-year window
        _offence("P4", "2024-06-01", "Robbery", "Suspect"),  # a suspect record outside the 1-year window
        _offence("P5", "2026-06-01", "Robbery", "Suspect"),
        _offence("P6", "2025-01-01", "Burglary - residential"),  # hyphen for the list's en dash
        _offence("P7", "2025-01-01", "Secret squirrel business"), _offence("P7", "2025-02-01", "Bicycle theft"),
    ]
    return write_bundle(tmp_path / "police", "police", {"people": people, "offences": offences})


def test_police_report_counts_people_with_1_2_3_plus_safeguarding_offences_in_window(tmp_path):
    report = quality_report(parse_bundle(_police_bundle(tmp_path), today=TODAY), today=TODAY, previous=None)
    police = report["police"]
    # P0, P5 have one in window; P1 two; P2 four (3+); P3 and P4 are outside their windows.
    assert police["people_with_safeguarding_offences_in_window"] == {"1": 0.2, "2": 0.1, "3+": 0.1}
    assert police["with_police_area"] == 0.5 and police["valid_uk_phone"] == 1.0
    assert police["non_safeguarding_offences"] == 1


def test_offence_types_outside_both_lists_are_counted_and_never_named(tmp_path):
    report = quality_report(parse_bundle(_police_bundle(tmp_path), today=TODAY), today=TODAY, previous=None)
    assert report["police"]["offences_of_types_outside_both_lists"] == 2
    assert report["police"]["distinct_types_outside_both_lists"] == 2
    text = json.dumps(report)
    assert "squirrel" not in text.lower() and "bicycle" not in text.lower()


def test_school_report_averages_current_and_historic_schools_per_child(tmp_path):
    def enrol(rid, school, end="", kind="Main provision", phone="0161 496 0000"):
        return {**person(rid), "school_name": school, "admission_type": kind, "enrolment_start": "2020-09-01",
                "enrolment_end": end, "contact_name": "T", "contact_role": "Head", "contact_phone": phone}
    rows = [
        enrol("S1", "Oak Primary"), enrol("S1", "Pupil Referral Unit", kind="Off site provision"),
        enrol("S1", "Elm Infants", end="2022-07-20"),
        enrol("S2", "Oak Primary", phone="12345"),
        enrol("S3", "Ash Juniors", end="2023-07-20"), enrol("S3", "Birch Infants", end="2021-07-20", phone=""),
    ]
    report = quality_report(parse_bundle(write_bundle(tmp_path / "s", "school", {"enrolments": rows}), today=TODAY),
                            today=TODAY, previous=None)["school"]
    assert report["average_current_schools_per_child"] == 1.0  # (2 + 1 + 0) / 3
    assert report["average_historic_schools_per_child"] == 1.0  # (1 + 0 + 2) / 3
    assert report["current"] == 0.6667 and report["historic"] == 0.3333
    assert report["with_contact_phone"] == 0.8333 and report["valid_uk_phone"] == 0.8
    assert report["admission_type_split"]["Off site provision"] == 0.1667


def test_identity_report_counts_gender_split_missing_postcodes_and_duplicates(tmp_path):
    rows = [person("C1"), person("C2", gender="Male", postcode=""), person("C1"),
            person("C3", address="Mill Lane", dob="1890-01-01")] + [person(f"D{i}") for i in range(40)]
    report = quality_report(parse_bundle(write_bundle(tmp_path / "c", "cms", {"people": rows}), today=TODAY),
                            today=TODAY, previous=None)
    identity = report["identity"]
    assert identity["duplicate_record_ids"] == 1 and identity["impossible_dates_of_birth"] == 1
    # C3's date of birth (1890) is blanked, the record kept: 43 records
    assert identity["impossible_dates_of_birth_first_rows"] == [
        "people.csv row 5: 1890-01-01 is more than 120 years ago; left blank"
    ]
    assert identity["gender_split"]["Male"] == round(1 / 43, 4)
    assert identity["address_without_postcode"] == round(1 / 43, 4)


@pytest.mark.django_db
def test_load_stores_the_report_and_prints_a_table(tmp_path, capsys):
    call_command("load", str(_police_bundle(tmp_path)))
    load = Load.objects.get()
    assert load.quality_report["police"]["offences_of_types_outside_both_lists"] == 2
    out = capsys.readouterr().out
    assert "Data quality" in out and "police: with police area" in out and "\x1b[" not in out


@pytest.mark.django_db
def test_dq_prints_the_report_and_writes_nothing(tmp_path, capsys):
    bundle = _police_bundle(tmp_path)
    call_command("dq", str(bundle), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["records"] == 10 and report["service"] == "police"
    assert not Load.objects.exists() and not Snapshot.objects.exists() and not Source.objects.exists()
    assert not QuarantinedRow.objects.exists()
    call_command("dq", str(bundle))
    assert "Data quality" in capsys.readouterr().out


@pytest.mark.django_db
def test_dq_of_a_broken_bundle_names_the_problem_and_exits_non_zero(tmp_path):
    from django.core.management import CommandError

    bundle = write_bundle(tmp_path / "c", "cms", {"people": [person("C1")]}, columns={"people": ["record_id"]})
    with pytest.raises(CommandError, match="people.csv, row 1: required column"):
        call_command("dq", str(bundle))
    assert not Load.objects.exists()


@pytest.mark.django_db
def test_dq_compares_with_the_live_snapshot(tmp_path, capsys):
    load_live(write_bundle(tmp_path / "v1", "cms", {"people": [person(f"C{i}") for i in range(10)]}))
    call_command("dq", str(write_bundle(tmp_path / "v2", "cms", {"people": [person(f"C{i}") for i in range(4)]})), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["previous_records"] == 10 and report["change_against_previous"] == -0.6
    assert Load.objects.count() == 1
