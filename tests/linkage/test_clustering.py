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
