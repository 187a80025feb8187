"""The mess of real extracts is there, and comes from the noise model, not from the truth."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from pathlib import Path

from jellyfish import damerau_levenshtein_distance

from familycontext.synth import NoiseRates, Summary, generate
from familycontext.synth.noise import accent, dob_digit_error, postcode_variant, typo

from .conftest import AS_OF, read_csv

PERSON_FILES = (("cms", "people"), ("school", "enrolments"), ("housing", "tenancies"),
                ("adult_social_care", "involvements"), ("police", "people"))


def _records_by_person(out: Path) -> dict[str, list[dict[str, str]]]:
    truth = {(r["service"], r["record_id"]): r["person_key"] for r in read_csv(out / "truth.csv")}
    by_person: dict[str, list[dict[str, str]]] = defaultdict(list)
    for service, name in PERSON_FILES:
        for row in read_csv(out / service / f"{name}.csv"):
            by_person[truth[(service, row["record_id"])]].append(row)
    return by_person


def test_some_people_are_recorded_under_different_names(larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    differing = [key for key, rows in _records_by_person(out).items()
                 if len({(r["first_name"], r["last_name"]) for r in rows}) > 1]
    assert len(differing) > 20


def test_some_people_are_duplicated_inside_one_source(larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    per_source: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in read_csv(out / "truth.csv"):
        per_source[(row["service"], row["person_key"])].add(row["record_id"])
    assert any(len(ids) > 1 for ids in per_source.values())


def test_blanks_appear_in_optional_identity_fields(larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    rows = read_csv(out / "school" / "enrolments.csv")
    for column in ("date_of_birth", "postcode", "address", "gender"):
        assert any(not r[column] for r in rows), column


def test_without_noise_every_record_of_a_person_agrees(tmp_path: Path) -> None:
    generate(people=600, seed=3, out=tmp_path, as_of=AS_OF, noise=NoiseRates().scaled(0))
    by_person = _records_by_person(tmp_path)
    shared = [rows for rows in by_person.values() if len(rows) > 1]
    assert shared
    for rows in shared:
        assert len({(r["first_name"], r["last_name"], r["date_of_birth"], r["postcode"]) for r in rows}) == 1


def test_a_typo_changes_the_name_by_one_keystroke() -> None:
    rng = random.Random(1)
    changes = [typo("Margaret", rng) for _ in range(200)]
    assert all(damerau_levenshtein_distance(c, "Margaret") <= 1 for c in changes)
    assert all(c[0] == "M" for c in changes)
    assert len(set(changes)) > 50


def test_diacritics_are_dropped_when_present_and_added_when_absent() -> None:
    rng = random.Random(2)
    assert accent("Zoë", rng) == "Zoe"
    assert accent("José", rng) == "Jose"
    added = accent("Jose", rng)
    assert added != "Jose" and added.isalpha()


def test_a_dob_digit_error_keeps_a_real_past_date() -> None:
    rng = random.Random(3)
    dob = date(2012, 10, 30)
    for _ in range(200):
        wrong = dob_digit_error(dob, rng, AS_OF)
        assert wrong <= AS_OF
        assert sum(a != b for a, b in zip(wrong.isoformat(), dob.isoformat(), strict=True)) <= 1


def test_postcode_variants_keep_the_same_characters() -> None:
    rng = random.Random(4)
    for _ in range(50):
        assert postcode_variant("SK4 2AB", rng).upper().replace(" ", "") == "SK42AB"
