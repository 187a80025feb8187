"""The generated bundles have exactly the layout the loader expects (SPEC 3)."""

from __future__ import annotations

import csv
import re
import tomllib
from datetime import date
from pathlib import Path

from familycontext.sources.services import FILES, GENDERS, SERVICES
from familycontext.synth import Summary
from familycontext.synth.nhs import is_valid

from .conftest import AS_OF, read_csv

MANIFEST_KEYS = {"service", "source_name", "date_current_as_of", "coverage_start", "coverage_end",
                 "coverage_area", "coverage_explanation"}
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}$")
DATE_COLUMNS = {"date_of_birth", "enrolment_start", "enrolment_end", "tenancy_start", "tenancy_end",
                "opened", "closed", "involvement_start", "involvement_end", "most_recent_interaction",
                "offence_date"}


def test_every_file_has_exactly_the_header_the_service_table_defines(borough: tuple[Path, Summary]) -> None:
    out, _ = borough
    for spec in FILES:
        with (out / spec.service / f"{spec.name}.csv").open(encoding="utf-8") as handle:
            header = tuple(next(csv.reader(handle)))
        expected = spec.columns + (("restricted",) if (spec.service, spec.name) == ("cms", "people") else ())
        assert header == expected, spec


def test_every_bundle_has_a_manifest_with_the_required_keys(borough: tuple[Path, Summary]) -> None:
    out, _ = borough
    for service in SERVICES:
        manifest = tomllib.loads((out / service / "manifest.toml").read_text(encoding="utf-8"))
        assert set(manifest) == MANIFEST_KEYS
        assert manifest["service"] == service
        assert manifest["date_current_as_of"] == AS_OF
        assert manifest["coverage_start"] < manifest["coverage_end"] == AS_OF
        assert manifest["coverage_explanation"].endswith(".")


def test_truth_lists_every_person_record_and_nothing_else(borough: tuple[Path, Summary]) -> None:
    out, _ = borough
    truth = {(row["service"], row["record_id"]) for row in read_csv(out / "truth.csv")}
    in_files = set()
    for spec in FILES:
        if spec.person_bearing:
            in_files |= {(spec.service, r["record_id"]) for r in read_csv(out / spec.service / f"{spec.name}.csv")}
    assert truth == in_files
    assert len(truth) > 50


def test_offences_belong_to_people_in_the_police_file(borough: tuple[Path, Summary]) -> None:
    out, _ = borough
    people = {r["record_id"] for r in read_csv(out / "police" / "people.csv")}
    offences = read_csv(out / "police" / "offences.csv")
    assert offences
    assert {o["record_id"] for o in offences} <= people


def test_cms_relationships_join_people_in_the_cms_file(borough: tuple[Path, Summary]) -> None:
    out, _ = borough
    people = {r["record_id"] for r in read_csv(out / "cms" / "people.csv")}
    links = read_csv(out / "cms" / "relationships.csv")
    assert links
    assert {r["record_id"] for r in links} <= people
    assert {r["related_record_id"] for r in links} <= people


def test_housing_cases_belong_to_tenants(borough: tuple[Path, Summary]) -> None:
    out, _ = borough
    tenants = {r["record_id"] for r in read_csv(out / "housing" / "tenancies.csv")}
    cases = read_csv(out / "housing" / "cases.csv")
    assert {c["record_id"] for c in cases} <= tenants
    for case in cases:
        assert bool(case["arrears_weeks"]) == (case["case_type"] == "rent_arrears")
        assert bool(case["role"]) == (case["case_type"] == "anti_social_behaviour")


def test_dates_are_iso_and_genders_are_from_the_list(borough: tuple[Path, Summary]) -> None:
    out, _ = borough
    for spec in FILES:
        for row in read_csv(out / spec.service / f"{spec.name}.csv"):
            for column in DATE_COLUMNS & row.keys():
                if row[column]:
                    date.fromisoformat(row[column])
                    assert len(row[column]) == 10
            if spec.person_bearing:
                assert row["gender"] in GENDERS + ("",)
                if row["date_of_birth"]:
                    assert date.fromisoformat(row["date_of_birth"]) <= AS_OF


def test_postcodes_are_format_valid_once_spacing_and_case_are_normalised(borough: tuple[Path, Summary]) -> None:
    out, _ = borough
    postcodes = [r["postcode"] for r in read_csv(out / "school" / "enrolments.csv") if r["postcode"]]
    assert postcodes
    for postcode in postcodes:
        squashed = postcode.upper().replace(" ", "")
        assert POSTCODE.match(f"{squashed[:-3]} {squashed[-3:]}"), postcode


def test_nhs_numbers_are_in_the_test_range_and_nearly_all_pass_the_check_digit(
        larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    numbers = [r["nhs_number"] for r in read_csv(out / "cms" / "people.csv") if r["nhs_number"]]
    assert len(numbers) > 100
    assert all(n.startswith("999") and len(n) == 10 for n in numbers)
    assert sum(is_valid(n) for n in numbers) / len(numbers) > 0.98


def test_contacts_use_drama_phone_numbers_and_example_org_email(borough: tuple[Path, Summary]) -> None:
    out, _ = borough
    rows = read_csv(out / "school" / "enrolments.csv") + read_csv(out / "housing" / "tenancies.csv")
    with_contact = [r for r in rows if r["contact_phone"]]
    assert with_contact
    for row in with_contact:
        assert re.fullmatch(r"0161 496 0\d{3}|07700 900\d{3}", row["contact_phone"])
        assert row["contact_email"].endswith("@example.org")
        assert row["contact_name"] and row["contact_role"]


def test_a_small_share_of_cms_people_are_restricted(larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    people = read_csv(out / "cms" / "people.csv")
    restricted = [p for p in people if p["restricted"]]
    assert {p["restricted"] for p in restricted} <= {"true"}
    assert 0 < len(restricted) < 0.03 * len(people)


def test_offence_types_come_mostly_from_the_configured_lists(larger_borough: tuple[Path, Summary]) -> None:
    from familycontext.config.settings import NON_SAFEGUARDING_OFFENCES, SAFEGUARDING_OFFENCES

    out, _ = larger_borough
    offences = read_csv(out / "police" / "offences.csv")
    listed = set(SAFEGUARDING_OFFENCES) | set(NON_SAFEGUARDING_OFFENCES)
    known = sum(o["offence_type"] in listed for o in offences)
    assert 0.8 < known / len(offences) < 1.0  # a few "other" types, as real extracts have
    assert {o["nature_of_involvement"] for o in offences} == {"Convicted", "Suspect"}
    assert all(AS_OF.replace(year=AS_OF.year - 8) <= date.fromisoformat(o["offence_date"]) <= AS_OF
               for o in offences)
