"""Each variation SPEC 6 names, planted in a messy population: the pair must become one person,
and look-alikes that are different people (twins, parent and child) must not."""

from __future__ import annotations

import pandas as pd
import pytest

from familycontext.linkage.engine import LinkageResult, link_frame
from tests.linkage.messy import pairwise_scores, population

BASE = {
    "gender": "Male",
    "postcode": "SK4 1AA",
    "address": "12 Acacia Avenue",
    "other_names": "",
    "nhs_number": "",
}

# name -> (left record, right record): each differs only in the way under test
SAME_PERSON = {
    "nickname_bill_william": (
        {"first_name": "William", "last_name": "Okafor", "date_of_birth": "1980-05-17"},
        {"first_name": "Bill", "last_name": "Okafor", "date_of_birth": "1980-05-17"},
    ),
    "nickname_peggy_margaret": (
        {
            "first_name": "Margaret",
            "last_name": "Quayle",
            "date_of_birth": "1951-11-02",
            "gender": "Female",
        },
        {
            "first_name": "Peggy",
            "last_name": "Quayle",
            "date_of_birth": "1951-11-02",
            "gender": "Female",
        },
    ),
    "hyphenated_surname": (
        {
            "first_name": "Aisha",
            "last_name": "Smith-Jones",
            "date_of_birth": "2010-01-23",
            "gender": "Female",
        },
        {
            "first_name": "Aisha",
            "last_name": "Jones",
            "date_of_birth": "2010-01-23",
            "gender": "Female",
        },
    ),
    "day_month_transposed": (
        {"first_name": "Tomasz", "last_name": "Wojcik", "date_of_birth": "2011-03-04"},
        {"first_name": "Tomasz", "last_name": "Wojcik", "date_of_birth": "2011-04-03"},
    ),
    "swapped_first_last": (
        {"first_name": "Kwame", "last_name": "Mensah", "date_of_birth": "1990-08-30"},
        {"first_name": "Mensah", "last_name": "Kwame", "date_of_birth": "1990-08-30"},
    ),
    "postcode_formats": (
        {
            "first_name": "Rhiannon",
            "last_name": "Pritchard",
            "date_of_birth": "2008-06-14",
            "postcode": "M14 5RR",
            "gender": "Female",
        },
        {
            "first_name": "Rhiannon",
            "last_name": "Pritchard",
            "date_of_birth": "2008-06-14",
            "postcode": "m145rr",
            "gender": "Female",
        },
    ),
    "typo_and_diacritics": (
        {
            "first_name": "Zoë",
            "last_name": "Fairweather",
            "date_of_birth": "2015-09-09",
            "gender": "Female",
        },
        {
            "first_name": "Zoe",
            "last_name": "Fairwaether",
            "date_of_birth": "2015-09-09",
            "gender": "Female",
        },
    ),
    "changed_surname_recorded_as_other_name": (
        {
            "first_name": "Siobhan",
            "last_name": "Gallagher",
            "date_of_birth": "1985-12-01",
            "gender": "Female",
        },
        {
            "first_name": "Siobhan",
            "last_name": "Whitfield",
            "date_of_birth": "1985-12-01",
            "gender": "Female",
            "other_names": "Siobhan Gallagher",
        },
    ),
    "swapped_names_one_of_them_mistyped": (
        {"first_name": "Douglas", "last_name": "Newman", "date_of_birth": "2013-07-20"},
        {"first_name": "Newmann", "last_name": "Duoglas", "date_of_birth": "2013-07-20"},
    ),
    "short_surname_one_keystroke_wrong": (
        {
            "first_name": "Amara",
            "last_name": "Bird",
            "date_of_birth": "1994-02-11",
            "gender": "Female",
        },
        {
            "first_name": "Amara",
            "last_name": "Blrd",
            "date_of_birth": "1994-02-11",
            "gender": "Female",
        },
    ),
    # Without a date of birth at one home, a variant spelling of the first name still counts.
    "undated_record_at_home_with_a_typo": (
        {"first_name": "Jonathan", "last_name": "Wieczorek", "date_of_birth": ""},
        {"first_name": "Jonathon", "last_name": "Wieczorek", "date_of_birth": "1988-03-14"},
    ),
    "double_barrelled_surname_dropped_and_mistyped": (
        {
            "first_name": "Priya",
            "last_name": "Williams-Wright",
            "date_of_birth": "2015-11-07",
            "gender": "Female",
        },
        {
            "first_name": "Priya",
            "last_name": "Wrihgt",
            "date_of_birth": "2015-11-07",
            "gender": "Female",
        },
    ),
}
DIFFERENT_PEOPLE = {
    "twins": (
        {"first_name": "Oliver", "last_name": "Brennan", "date_of_birth": "2016-02-02"},
        {"first_name": "Harry", "last_name": "Brennan", "date_of_birth": "2016-02-02"},
    ),
    "father_and_son_same_name": (
        {"first_name": "Daniel", "last_name": "Asante", "date_of_birth": "1979-07-19"},
        {"first_name": "Daniel", "last_name": "Asante", "date_of_birth": "2005-10-03"},
    ),
    # Sisters at one home, one record without a date of birth: Kerry and Kiera only sound
    # alike, and a rare surname at one address is the household's, not one person's.
    "undated_housemate_with_a_sound_alike_name": (
        {"first_name": "Kerry", "last_name": "Bobryk", "date_of_birth": "", "gender": "Female"},
        {
            "first_name": "Kiera",
            "last_name": "Bobryk",
            "date_of_birth": "2016-02-21",
            "gender": "Female",
        },
    ),
}


def _records() -> tuple[pd.DataFrame, pd.DataFrame]:
    background, truth = population(300, seed=11)
    rows = []
    for i, (name, (left, right)) in enumerate({**SAME_PERSON, **DIFFERENT_PEOPLE}.items()):
        for side, record, source in (("l", left, "police"), ("r", right, "housing")):
            rows.append(
                BASE
                | {"postcode": f"SK{i % 9 + 1} {i % 9 + 1}AB", "address": f"{i + 1} Acacia Avenue"}
                | record
                | {"source": source, "record_id": f"{name}_{side}"}
            )
    return pd.concat([background, pd.DataFrame(rows)], ignore_index=True), truth


@pytest.fixture(scope="module")
def linked() -> LinkageResult:
    frame, _truth = _records()
    return link_frame(frame)


def _same(result: LinkageResult, name: str) -> bool:
    cluster = dict(zip(result.clusters["unique_id"], result.clusters["cluster_id"], strict=True))
    return cluster[f"police:{name}_l"] == cluster[f"housing:{name}_r"]


@pytest.mark.parametrize("case", sorted(SAME_PERSON))
def test_variant_of_the_same_person_is_linked(linked: LinkageResult, case: str) -> None:
    assert _same(linked, case), linked.predictions[
        linked.predictions["unique_id_l"].str.contains(case)
    ].T


@pytest.mark.parametrize("case", sorted(DIFFERENT_PEOPLE))
def test_look_alike_different_people_are_not_linked(linked: LinkageResult, case: str) -> None:
    assert not _same(linked, case)


def test_background_population_is_linked_precisely(linked: LinkageResult) -> None:
    _frame, truth = _records()
    scores = pairwise_scores(linked.clusters, truth)
    assert scores["precision"] >= 0.995 and scores["recall"] >= 0.95, scores


def test_evidence_names_each_field_with_its_level_and_weight(linked: LinkageResult) -> None:
    pair = linked.predictions[
        (linked.predictions["unique_id_l"] == "housing:nickname_bill_william_r")
        | (linked.predictions["unique_id_r"] == "housing:nickname_bill_william_r")
    ].iloc[0]
    evidence = linked.evidence(pair)
    assert evidence["first_name"]["level"] == "nickname or full form"
    assert evidence["date_of_birth"]["level"] == "exact"
    assert evidence["date_of_birth"]["weight"] > 0
    assert set(evidence) == {
        "first_name",
        "last_name",
        "other_names",
        "date_of_birth",
        "gender",
        "address",
        "nhs_number",
    }


def test_model_parameters_are_json_serialisable(linked: LinkageResult) -> None:
    import json

    assert "comparisons" in json.loads(json.dumps(linked.parameters))


def test_one_slip_in_a_short_surname_is_evidence_for_not_against(linked: LinkageResult) -> None:
    # Jaro-Winkler scores Bird ~ Blrd 0.85, below its typo level; one keystroke is still a typo.
    pair = linked.predictions[
        linked.predictions["unique_id_l"].str.contains("short_surname_one_keystroke_wrong")
        & linked.predictions["unique_id_r"].str.contains("short_surname_one_keystroke_wrong")
    ].iloc[0]
    evidence = linked.evidence(pair)["last_name"]
    assert evidence["level"] == "one keystroke wrong" and evidence["weight"] > 0
