"""Shipped column mappings load the two real layouts end to end (SPEC 3, issue 7)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from familycontext.sources.errors import BundleError
from familycontext.sources.loader import load_bundle, load_bundles, parse_bundle
from familycontext.sources.mapping import parse_date
from familycontext.sources.models import (
    AscInvolvement,
    HousingCase,
    HousingTenancy,
    Load,
    PoliceOffence,
    SchoolEnrolment,
    Snapshot,
    SourceRecord,
)
from familycontext.synth import generate
from tests.sources.flat import FLAT_COLUMNS, flat_rows, write_flat_csv

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).parent / "fixtures" / "reference-app-data"
TODAY = date(2026, 11, 20)


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    folder = tmp_path / "reference-app-data"
    shutil.copytree(REFERENCE, folder)
    return folder


def test_reference_sample_loads_four_services_with_manifest_values_from_datasources(reference):
    loads = load_bundles(reference, mapping="reference-app", today=TODAY)
    assert [load.outcome for load in loads] == [Load.Outcome.LOADED] * 4, [load.message for load in loads]
    live = {s.source.service: s for s in Snapshot.objects.filter(waiting=True).select_related("source")}
    assert set(live) == {"school", "housing", "adult_social_care", "police"}
    assert live["housing"].source.name == "Example Housing"
    assert live["school"].coverage_start == date(2000, 1, 1) and live["school"].coverage_end == date(2020, 1, 6)
    assert live["police"].date_current_as_of.date() == date(2020, 1, 6)
    # The police row's explanation holds an unquoted comma; it is rejoined, not lost.
    assert live["police"].coverage_explanation == (
        "covers conviction records from the last 5 years, and suspect records from the last year"
    )
    assert live["police"].coverage_end is None


def test_reference_sample_identities_come_from_person_csv_with_dd_mm_yyyy_dates(reference):
    load_bundles(reference, mapping="reference-app", today=TODAY)
    school = SourceRecord.objects.get(snapshot__waiting=True, snapshot__source__service="school")
    assert (school.record_id, school.first_name, school.last_name) == ("1", "Montgomery", "Freeman")
    assert school.date_of_birth == date(2000, 10, 6) and school.gender == "Male"
    enrolment = SchoolEnrolment.objects.get()
    assert (enrolment.school_name, enrolment.admission_type, enrolment.enrolment_end) == ("A+ School", "Main provision", None)


def test_reference_housing_flags_become_cases_and_current_becomes_blank_end(reference):
    load_bundles(reference, mapping="reference-app", today=TODAY)
    tenancy = HousingTenancy.objects.get()
    assert tenancy.tenancy_start == date(2016, 2, 3) and tenancy.tenancy_end is None
    cases = {c.case_type: c for c in HousingCase.objects.all()}
    assert set(cases) == {"anti_social_behaviour", "rent_arrears", "notice_seeking_possession"}  # eviction blank
    assert cases["anti_social_behaviour"].closed == date(2020, 1, 6) and cases["anti_social_behaviour"].role == "perpetrator"
    assert cases["notice_seeking_possession"].closed is None
    report = Load.objects.get(source__service="housing").quality_report
    assert report["rows_skipped_by_mapping"] == {"housing.csv: eviction is 'blank'": 1}


def test_reference_offender_becomes_convicted_and_unknown_types_are_counted_not_named(reference):
    load_bundles(reference, mapping="reference-app", today=TODAY)
    assert set(PoliceOffence.objects.values_list("nature_of_involvement", flat=True)) == {"Convicted"}
    assert PoliceOffence.objects.count() == 3
    report = Load.objects.get(source__service="police").quality_report
    assert report["police"]["offences_of_types_outside_both_lists"] == 2
    assert "AntiSocial" not in str(report)
    assert AscInvolvement.objects.get().most_recent_interaction == date(2019, 5, 20)


def test_reference_sample_loaded_twice_changes_nothing(reference):
    load_bundles(reference, mapping="reference-app", today=TODAY)
    again = load_bundles(reference, mapping="reference-app", today=TODAY)
    assert {load.outcome for load in again} == {Load.Outcome.UNCHANGED}


def test_manifest_naming_the_mapping_overrides_its_defaults(reference):
    (reference / "manifest.toml").write_text(
        'mapping = "reference-app"\ncoverage_area = "Northmoor"\n[police]\nsource = "police-ref"\n'
    )
    loads = load_bundles(reference, today=TODAY)
    assert all(load.outcome == Load.Outcome.LOADED for load in loads)
    police = Snapshot.objects.get(waiting=True, source__service="police")
    assert police.source.key == "police-ref" and police.coverage_area == "Northmoor"


def test_a_folder_with_several_services_needs_one_named_for_load_bundle(reference):
    load = load_bundle(reference, mapping="reference-app", today=TODAY)
    assert load.outcome == Load.Outcome.REFUSED and "holds 4 services" in load.message
    assert load_bundle(reference, mapping="reference-app", service="police", today=TODAY).outcome == Load.Outcome.LOADED


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(300, 7, out, as_of=TODAY)
    return out


def _expected_people(rows: list[dict[str, str]], service: str) -> set[str]:
    return {r["Record ID"] for r in rows if r["Service"] == service}


def test_flat_common_data_model_extract_splits_into_four_sources_and_loses_nobody(tmp_path, synth, settings):
    rows = flat_rows(synth, TODAY)
    bundle = tmp_path / "flat"
    write_flat_csv(bundle / "extract.csv", rows)
    (bundle / "manifest.toml").write_text('mapping = "common-data-model"\n')
    loads = load_bundles(bundle, today=TODAY)
    assert {load.outcome for load in loads} == {Load.Outcome.LOADED}, [load.message for load in loads]
    for load in loads:
        service = load.source.service
        label = {"school": "School", "housing": "Housing", "adult_social_care": "Adult Social Care", "police": "Police"}[service]
        loaded = set(SourceRecord.objects.filter(snapshot=load.snapshot).values_list("record_id", flat=True))
        quarantined = {q.raw.get("Record ID") for q in load.quarantined_rows.all()}
        assert loaded | quarantined == _expected_people(rows, label), service
        assert load.rows_rejected == len(quarantined)
    police_ids = set(SourceRecord.objects.filter(snapshot__waiting=True, snapshot__source__service="police")
                     .values_list("record_id", flat=True))
    police_rows = [r for r in rows if r["Service"] == "Police" and r["Record ID"] in police_ids]
    expected_offences = sum(1 for r in police_rows for n in (1, 2, 3) if r.get(f"Date of offence {n}"))
    assert expected_offences > 0
    assert PoliceOffence.objects.filter(snapshot__waiting=True).count() == expected_offences
    housing = [r for r in rows if r["Service"] == "Housing"]
    expected_open_asb = sum(r["Anti social behaviour"] == "Case open" for r in housing)
    assert sum(r["Anti social behaviour"] != "No records found" for r in housing) > 0
    assert HousingCase.objects.filter(case_type="anti_social_behaviour", closed__isnull=True).count() == expected_open_asb
    live = Snapshot.objects.get(waiting=True, source__service="police")
    assert live.coverage_area == "Greater Manchester Police area" and live.date_current_as_of.date() == TODAY


def test_flat_extract_as_xlsx_with_excel_dates_and_no_record_id(tmp_path):
    bundle = tmp_path / "flat-xlsx"
    bundle.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(FLAT_COLUMNS)
    base = {c: None for c in FLAT_COLUMNS}
    people = [
        {"Service": "Police", "First name": "Dana", "Family name": "Cole", "Date of Birth": date(1990, 5, 17),
         "Gender": "F", "Address": "4 Elm Road, Northmoor", "Police area": "North", "Date of offence 1": 45000,
         "Type of offence 1": "Robbery", "Nature of involvement 1": "Suspect", "Date current as of": date(2026, 11, 1),
         "Coverage geographic area": "Northmoor"},
        {"Service": "Police", "First name": "Eli", "Family name": "Cole", "Date of Birth": "03/02/1988",
         "Gender": "Male", "Address": "4 Elm Road, Northmoor", "Police area": "North", "Date current as of": date(2026, 11, 1)},
    ]
    for person in people:
        ws.append([{**base, **person}[c] for c in FLAT_COLUMNS])
    wb.save(bundle / "extract.xlsx")
    (bundle / "manifest.toml").write_text('mapping = "common-data-model"\n')
    loads = load_bundles(bundle, today=TODAY)
    assert [load.outcome for load in loads] == [Load.Outcome.LOADED], loads[0].message
    ids = set(SourceRecord.objects.values_list("record_id", flat=True))
    assert len(ids) == 2 and all(i.startswith("id-") for i in ids)
    offence = PoliceOffence.objects.get()
    assert offence.offence_date == date(2023, 3, 15) and offence.nature_of_involvement == "Suspect"  # Excel serial 45000
    assert SourceRecord.objects.get(first_name="Dana").date_of_birth == date(1990, 5, 17)


def test_a_code_value_the_mapping_does_not_know_is_quarantined_naming_the_files_column(tmp_path):
    rows = [{"Service": "Housing", "Record ID": f"H{i}", "First name": "A", "Family name": f"B{i}",
             "Date of Birth": "01/01/1980", "Service involvement": "Current", "Housing association": "NH",
             "Anti social behaviour": "Case open", "Date current as of": "01/11/2026"} for i in range(30)]
    rows[3]["Anti social behaviour"] = "Yes"
    bundle = tmp_path / "flat"
    write_flat_csv(bundle / "extract.csv", rows)
    load = load_bundle(bundle, mapping="common-data-model", today=TODAY)
    assert load.outcome == Load.Outcome.LOADED, load.message
    bad = load.quarantined_rows.get()
    assert (bad.file, bad.row_number, bad.field) == ("extract.csv", 5, "Anti social behaviour")
    assert "'Yes' is not one of the values the mapping knows" in bad.reason
    assert bad.raw["Record ID"] == "H3"


def test_own_mapping_in_the_bundle_with_semicolons_cp1252_and_codes(tmp_path):
    bundle = tmp_path / "asc"
    bundle.mkdir()
    (bundle / "Clients Export.CSV").write_bytes(
        "Client No;Forename;Surname;DOB;Sex;Team;Start;End;Status\r\n"
        "77;Zoë;O’Neill;17/03/1961;F;Older People East;01/02/2024;current;Y\r\n"
        "78;Rene;Dubois;1959-12-01;M;Older People East;03/04/2023;05/06/2025;N\r\n".encode("cp1252")
    )
    (bundle / "asc-mapping.toml").write_text(
        """
date_formats = ["dd/mm/yyyy"]
[services.adult_social_care]
manifest = { source_name = "Liquidlogic ASC" }
[services.adult_social_care.files.involvements]
file = "clients export.csv"
[services.adult_social_care.files.involvements.columns]
record_id = "Client No"
first_name = "Forename"
last_name = "Surname"
date_of_birth = "DOB"
gender = "Sex"
local_authority_organisation = "Team"
involvement_start = "Start"
involvement_end = { column = "End", codes = { current = "" }, other = "keep" }
plan_status = { column = "Status", codes = { y = "active", n = "ended" } }
""",
        encoding="utf-8",
    )
    (bundle / "manifest.toml").write_text('mapping = "asc-mapping.toml"\ndate_current_as_of = 2026-11-19\n')
    load = load_bundle(bundle, today=TODAY)
    assert load.outcome == Load.Outcome.LOADED, load.message
    zoe = SourceRecord.objects.get(record_id="77")
    assert (zoe.first_name, zoe.last_name, zoe.gender, zoe.date_of_birth) == ("Zoë", "O’Neill", "Female", date(1961, 3, 17))
    ended = AscInvolvement.objects.get(record__record_id="78")
    assert (ended.involvement_end, ended.plan_status) == (date(2025, 6, 5), "ended")
    assert AscInvolvement.objects.get(record__record_id="77").involvement_end is None
    assert load.quality_report["files"] == {"Clients Export.CSV": "cp1252, semicolon"}


@pytest.mark.parametrize(
    ("mapping_text", "message"),
    [
        ("[services.police.files.people]\nfile='x.csv'\ncolumns={record_id='a'}\n", "required column 'first_name' is not mapped"),
        ("[services.polis.files.people]\nfile='x.csv'\n", "[services.polis]: not a service"),
        ("date_formats=['dd/mm/yyyy','whenever']\n[services.cms.files.people]\nfile='x.csv'\n", "date format 'whenever'"),
        ("[services.cms.files.people]\nfile='x.csv'\ncolumns={record_id='a', first_name='b', last_name='c', "
         "date_of_birth='d', shoe_size='e'}\n", "'shoe_size' is not a column of cms people"),
        ("not toml [", "not valid TOML"),
        ("[services.cms.files.people]\nfile='x.csv'\nfiel='y'\ncolumns={record_id='a'}\n", "unknown key 'fiel'"),
        ("[services.cms.files.people]\nfile='x.csv'\ncolumns={record_id={colum='a'}, first_name='b', "
         "last_name='c', date_of_birth='d'}\n", "columns.record_id: unknown key 'colum'"),
        ("[services.cms.files.people]\nfile='x.csv'\ncolumns={record_id=3, first_name='b', last_name='c', "
         "date_of_birth='d'}\n", "columns.record_id: must be a column name or a table"),
        ("[services.cms.files.people]\nfile='x.csv'\nskip_when='Closed'\ncolumns={record_id='a', "
         "first_name='b', last_name='c', date_of_birth='d'}\n", "skip_when"),
    ],
)
def test_a_broken_mapping_is_refused_naming_the_key(tmp_path, mapping_text, message):
    (tmp_path / "m.toml").write_text(mapping_text)
    (tmp_path / "x.csv").write_text("a,b,c,d\n1,2,3,4\n")
    with pytest.raises(BundleError, match=None) as info:
        parse_bundle(tmp_path, mapping="m.toml")
    assert message in str(info.value) and "m.toml" in str(info.value)


def test_unknown_shipped_mapping_lists_the_shipped_ones(tmp_path):
    (tmp_path / "manifest.toml").write_text('mapping = "mosaic"\n')
    load = load_bundle(tmp_path)
    assert load.outcome == Load.Outcome.REFUSED and "common-data-model" in load.message and "reference-app" in load.message


@pytest.mark.parametrize(
    ("text", "formats", "expected"),
    [
        ("06/10/2000", ["%d/%m/%Y"], date(2000, 10, 6)),
        ("2000-10-06", ["%d/%m/%Y"], date(2000, 10, 6)),  # ISO is always understood
        ("06/10/2000 00:00:00", ["%d/%m/%Y"], date(2000, 10, 6)),
        ("2020-01-06T10:00", ["%d/%m/%Y"], date(2020, 1, 6)),
        ("45000", ["excel"], date(2023, 3, 15)),
        ("10/06/2000", ["%m/%d/%Y"], date(2000, 10, 6)),
    ],
)
def test_date_formats(text, formats, expected):
    assert parse_date(text, formats) == expected


def test_an_impossible_date_names_the_expected_format():
    with pytest.raises(ValueError, match="not a date in the form dd/mm/yyyy"):
        parse_date("31/02/2015", ["%d/%m/%Y"])


def test_rows_whose_service_no_part_takes_are_reported_not_silently_dropped(tmp_path):
    rows = [{"Service": "Police", "Record ID": f"P{i}", "First name": "A", "Family name": f"B{i}",
             "Date of Birth": "01/01/1980", "Police area": "N", "Date current as of": "01/11/2026"} for i in range(3)]
    rows.append({**rows[0], "Service": "Probation", "Record ID": "X1"})
    bundle = tmp_path / "flat"
    write_flat_csv(bundle / "extract.csv", rows)
    [load] = load_bundles(bundle, mapping="common-data-model", today=TODAY)
    assert load.outcome == Load.Outcome.LOADED
    assert load.quality_report["mapping_notes"] == [
        "extract.csv: 1 rows with Service = 'Probation' match no service in the mapping; not loaded"
    ]
