"""Decisions override the model, and transitivity cannot undo a "different people" decision."""

from __future__ import annotations

import pandas as pd

from familycontext.linkage.clustering import cluster, dobs_compatible

CHAIN = pd.DataFrame(
    {
        "unique_id_l": ["a:1", "b:2"],
        "unique_id_r": ["b:2", "c:3"],
        "match_probability": [0.999, 0.995],
    }
)
IDS = ["a:1", "b:2", "c:3", "d:4"]


def test_links_chain_into_one_person() -> None:
    outcome = cluster(IDS, CHAIN)
    assert outcome.cluster_of["a:1"] == outcome.cluster_of["c:3"] == "a:1"
    assert outcome.cluster_of["d:4"] == "d:4"


def test_different_people_decision_splits_a_chain_at_its_weakest_link() -> None:
    outcome = cluster(IDS, CHAIN, [("c:3", "a:1", False)])
    assert outcome.cluster_of["a:1"] == outcome.cluster_of["b:2"]
    assert outcome.cluster_of["c:3"] != outcome.cluster_of["a:1"]
    assert outcome.skipped_links == [("b:2", "c:3")]


def test_same_person_decision_joins_records_the_model_did_not() -> None:
    outcome = cluster(IDS, CHAIN, [("d:4", "c:3", True)])
    assert len(set(outcome.cluster_of.values())) == 1
    assert outcome.used_links["forced"].sum() == 1


def test_later_decision_on_a_pair_wins() -> None:
    outcome = cluster(IDS, CHAIN, [("a:1", "b:2", False), ("a:1", "b:2", True)])
    assert outcome.cluster_of["a:1"] == outcome.cluster_of["b:2"]


def test_contradictory_same_decisions_are_reported_not_obeyed_blindly() -> None:
    decisions = [("a:1", "c:3", False), ("a:1", "b:2", True), ("b:2", "c:3", True)]
    outcome = cluster(IDS, CHAIN, decisions)
    assert outcome.cluster_of["a:1"] != outcome.cluster_of["c:3"]
    assert outcome.conflicting_decisions == [("b:2", "c:3")]


def test_dates_of_birth_compatible_only_within_typing_errors() -> None:
    assert dobs_compatible("2011-03-04", "2011-04-03")
    assert dobs_compatible("2011-03-04", "2011-03-14")
    assert dobs_compatible("2011-03-04", "2001-03-04")
    assert dobs_compatible("2011-03-04", "2011-03-40") and dobs_compatible(
        "1980-05-17", "1908-05-17"
    )
    assert not dobs_compatible("1979-07-19", "2005-10-03")


def _people_of(rows: list[dict[str, str]], decisions=()) -> list[int]:
    """People formed from no scored pairs at all, only decisions (form_people directly)."""
    import duckdb
    import numpy as np

    from familycontext.linkage.forming import form_people
    from familycontext.linkage.standardise import standardise_table

    base = {
        "source": "s",
        "first_name": "Ann",
        "last_name": "Lee",
        "date_of_birth": "2000-01-01",
        "gender": "F",
        "postcode": "SK4 1AA",
        "address": "1 High St",
    }
    frame = pd.DataFrame([base | {"record_id": str(i)} | r for i, r in enumerate(rows, 1)])
    con = duckdb.connect()
    con.register("records", standardise_table(frame))
    none = pd.DataFrame({"unique_id_l": [], "unique_id_r": [], "match_probability": []})
    empty = np.array([], dtype="int64")
    ids = [f"s:{i}" for i in range(1, len(rows) + 1)]
    return form_people(con, "records", ids, none, empty, empty, 0.99, list(decisions)).label


def test_decisions_are_obeyed_even_when_no_pair_scores_above_the_lower_threshold() -> None:
    rows = [{}, {"first_name": "Zed", "date_of_birth": "1950-05-05"}, {}]
    assert len(set(_people_of(rows))) == 3
    decisions = [("s:1", "s:2", True), ("s:2", "s:3", True), ("s:1", "s:3", False)]
    people = _people_of(rows, decisions)
    assert people[0] == people[1] != people[2]  # the "different" decision wins the conflict


def _conflicts(rows: list[dict[str, object]]) -> list[tuple[int, int]]:
    import duckdb

    from familycontext.linkage.clustering import identity_conflicts
    from familycontext.linkage.standardise import standardise_table

    base = {
        "source": "s",
        "first_name": "Francis",
        "last_name": "Kowalczyk",
        "date_of_birth": "2015-03-17",
        "gender": "M",
        "postcode": "SK3 8AE",
        "address": "22 Hardman Street",
        "nhs_number": "",
    }
    frame = pd.DataFrame([base | {"record_id": str(i)} | r for i, r in enumerate(rows)])
    con = duckdb.connect()
    con.register("records", standardise_table(frame))
    con.register("tentative", pd.DataFrame({"rid": range(len(rows)), "root": 0}))
    return identity_conflicts(con, "records", "tentative")


def test_identity_checks_keep_twins_of_alike_names_and_different_genders_apart() -> None:
    assert _conflicts([{}, {"first_name": "Frances", "gender": "F"}]) == [(0, 1)]
    assert _conflicts([{}, {"first_name": "Francis", "gender": "F"}]) == []  # a miskeyed gender
    # twins, one record without a first name: the genders alone tell them apart
    assert _conflicts([{}, {"first_name": "", "gender": "F"}]) == [(0, 1)]


def test_identity_checks_allow_typos_nicknames_and_sound_alikes() -> None:
    for first in ("Frnacis", "Frank", "Farncis"):
        assert _conflicts([{}, {"first_name": first}]) == [], first
    assert _conflicts([{"first_name": "Siobhan"}, {"first_name": "Shevaun"}]) == []
    assert _conflicts([{}, {"first_name": "Oliver"}]) == [(0, 1)]


def test_each_conflict_names_the_check_that_keeps_it_apart_and_checks_can_be_switched_off() -> None:
    import duckdb

    from familycontext.linkage.clustering import identity_conflict_checks
    from familycontext.linkage.standardise import standardise_table

    base = {
        "source": "s",
        "first_name": "Francis",
        "last_name": "Kowalczyk",
        "date_of_birth": "2015-03-17",
        "gender": "M",
        "postcode": "SK3 8AE",
        "address": "22 Hardman Street",
        "nhs_number": "",
    }
    rows = [
        {},
        {"first_name": "Frances", "gender": "F"},
        {"date_of_birth": "1981-09-02"},
        {"first_name": "Oliver"},
        {"nhs_number": "9434765919"},
        {"nhs_number": "9434765870"},
    ]
    frame = pd.DataFrame([base | {"record_id": str(i)} | r for i, r in enumerate(rows)])
    con = duckdb.connect()
    con.register("records", standardise_table(frame))
    con.register("tentative", pd.DataFrame({"rid": range(len(rows)), "root": 0}))
    named = {(a, b): c for a, b, c in identity_conflict_checks(con, "records", "tentative")}
    assert named[(0, 1)] == "gender" and named[(0, 2)] == "date_of_birth"
    assert named[(0, 3)] == "first_name" and named[(4, 5)] == "nhs_number"
    without = {
        (a, b): c
        for a, b, c in identity_conflict_checks(
            con, "records", "tentative", ["first_name", "nhs_number"]
        )
    }
    assert (0, 1) not in without and (0, 2) not in without  # those checks are off
    assert without[(0, 3)] == "first_name" and without[(4, 5)] == "nhs_number"
    assert without[(2, 3)] == "first_name"  # named by date of birth while that check is on
    assert named[(2, 3)] == "date_of_birth"
    assert not identity_conflict_checks(con, "records", "tentative", [])


def test_identity_checks_keep_different_valid_nhs_numbers_apart() -> None:
    assert _conflicts([{"nhs_number": "9434765919"}, {"nhs_number": "9434765870"}]) == [(0, 1)]
    assert _conflicts([{"nhs_number": "9434765919"}, {"nhs_number": "9434765918"}]) == []


def test_a_shared_valid_nhs_number_is_never_an_identity_conflict() -> None:
    # A date of birth mistyped beyond one keystroke is likelier than one number for two people.
    same = {"nhs_number": "9434765919"}
    assert (
        _conflicts([same | {"date_of_birth": "1987-09-04"}, same | {"date_of_birth": "1937-04-09"}])
        == []
    )
    assert _conflicts([{"date_of_birth": "1987-09-04"}, {"date_of_birth": "1937-04-09"}]) == [
        (0, 1)
    ]


def test_identity_checks_allow_swapped_names_with_a_typo() -> None:
    rows = [
        {"first_name": "Douglas", "last_name": "Newman"},
        {"first_name": "Newmann", "last_name": "Duoglas"},
    ]
    assert _conflicts(rows) == []


def test_an_undated_record_stays_only_with_a_person_its_evidence_clearly_prefers() -> None:
    from familycontext.linkage.forming import CLEAR_WINNER_BITS
    from familycontext.linkage.forming import clear_winners as _clear_winners

    links = pd.DataFrame(
        {
            "unique_id_l": ["s:undated", "s:undated", "s:other"],
            "unique_id_r": ["s:son", "s:father", "s:x"],
            "match_weight": [25.0, 25.0 - CLEAR_WINNER_BITS - 1, 30.0],
        }
    )
    cluster_of = {"s:undated": "s:son", "s:son": "s:son", "s:father": "s:father"}
    assert _clear_winners({"s:undated"}, links, cluster_of) == {"s:undated"}
    close = links.assign(match_weight=[25.0, 24.0, 30.0])
    assert _clear_winners({"s:undated"}, close, cluster_of) == set()
