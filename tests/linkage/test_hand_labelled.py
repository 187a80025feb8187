"""Hard cases written by hand, with mess no generator in this project makes.

``hand_labelled.csv`` holds small groups of records as councils see them — transliterations
(Mohammed / Muhammad), phonetic spellings (Siobhan / Shevaun), double-barrelled surnames
dropped, Jnr and Snr, twins, a mother and daughter of one name, a mistyped postcode, Polish
diacritics — each labelled with the true person. They are linked inside a background
population (so the unsupervised training has something to learn from), and every pair of
hand-labelled records must come out right: together when one person, apart when not.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from familycontext.linkage.engine import LinkageResult, link_frame
from tests.linkage.messy import population

HAND_LABELLED = Path(__file__).with_name("hand_labelled.csv")


def _cases() -> pd.DataFrame:
    return pd.read_csv(HAND_LABELLED, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def linked() -> LinkageResult:
    background, _truth = population(250, seed=23)
    cases = _cases().drop(columns=["case", "person"])
    return link_frame(pd.concat([background, cases], ignore_index=True))


def _pairs(case: str) -> list[tuple[str, str, bool]]:
    rows = _cases()
    rows = rows[rows["case"] == case]
    uid = rows["source"] + ":" + rows["record_id"]
    return [
        (a, b, pa == pb)
        for (a, pa), (b, pb) in combinations(zip(uid, rows["person"], strict=True), 2)
    ]


@pytest.mark.parametrize("case", sorted(_cases()["case"].unique()))
def test_hand_labelled_case_is_linked_as_labelled(linked: LinkageResult, case: str) -> None:
    cluster_of = dict(zip(linked.clusters["unique_id"], linked.clusters["cluster_id"], strict=True))
    wrong = [
        f"{a} and {b} should be {'one person' if same else 'different people'}"
        for a, b, same in _pairs(case)
        if (cluster_of[a] == cluster_of[b]) != same
    ]
    assert not wrong, wrong
