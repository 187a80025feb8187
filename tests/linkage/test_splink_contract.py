"""The contract with Splink's private parts (``linkage.splink_internals``): fails loudly on an upgrade.

Linkage trains through Splink's public API, but reads and corrects the prior and each level's m
and u through private attributes. If a Splink release renames or changes any of them, these
tests say which, before a linkage run silently trains a different model.
"""

from __future__ import annotations

import duckdb
import pytest

from familycontext.linkage import splink_internals as internals
from familycontext.linkage.scoring import open_session
from familycontext.linkage.standardise import standardise_table
from tests.linkage.messy import population


@pytest.fixture(scope="module")
def session():
    records, _truth = population(60, seed=3)
    con = duckdb.connect()
    opened = open_session(con, standardise_table(records), None)
    yield opened
    opened.close()


def test_the_installed_splink_is_the_one_the_internals_were_checked_against() -> None:
    installed = internals.installed_version()
    assert installed.split(".")[:2] == internals.TESTED_SPLINK.split("."), (
        f"Splink {installed} is installed; linkage.splink_internals was checked against "
        f"{internals.TESTED_SPLINK}. Re-check every function there against the new release "
        "(this file says what each must do), then move TESTED_SPLINK."
    )


def test_the_prior_reads_and_sets_what_the_saved_model_holds(session) -> None:
    linker = session.linker
    internals.set_prior(linker, 0.00123)
    assert internals.prior(linker) == pytest.approx(0.00123)
    saved = linker.misc.save_model_to_json()
    assert saved["probability_two_random_records_match"] == pytest.approx(0.00123)


def test_levels_cover_every_comparison_with_their_labels_and_flags(session) -> None:
    levels = list(internals.levels(session.linker))
    saved = session.linker.misc.save_model_to_json()["comparisons"]
    assert [lv.comparison for lv in levels] == [
        c["output_column_name"] for c in saved for _ in c["comparison_levels"]
    ]
    assert [lv.label for lv in levels] == [
        level["label_for_charts"] for c in saved for level in c["comparison_levels"]
    ]
    assert [lv.is_null for lv in levels] == [
        bool(level.get("is_null_level")) for c in saved for level in c["comparison_levels"]
    ]
    fixed_u = [lv for lv in levels if lv.u_fixed]
    assert fixed_u, "the model fixes some u values (NHS number); the flag must be readable"
    gammas = internals.level_labels(session.linker)
    assert set(gammas) == {c["output_column_name"] for c in saved}
    assert all(isinstance(g, int) for by in gammas.values() for g in by)


def test_m_and_u_corrections_reach_the_saved_model(session) -> None:
    linker = session.linker
    level = next(lv for lv in internals.levels(linker) if not lv.is_null and not lv.m_fixed)
    level.set_m(0.0421)
    assert level.m == pytest.approx(0.0421)
    level.replace_u_estimates(0.0031, "contract test")
    assert level.u == pytest.approx(0.0031)
    assert level.u_trained, "a replaced u estimate must count as trained"
    level.clear_m_estimates()
    saved = linker.misc.save_model_to_json()
    found = next(
        lv
        for c in saved["comparisons"]
        if c["output_column_name"] == level.comparison
        for lv in c["comparison_levels"]
        if lv["label_for_charts"] == level.label
    )
    assert found["u_probability"] == pytest.approx(0.0031)


def test_a_snapshot_restores_the_model_after_a_change(session) -> None:
    linker = session.linker
    before = linker.misc.save_model_to_json()
    snapshot = internals.snapshot_model(linker)
    internals.set_prior(linker, 0.5)
    next(lv for lv in internals.levels(linker) if not lv.is_null and not lv.m_fixed).set_m(0.7)
    internals.restore_model(linker, snapshot)
    assert linker.misc.save_model_to_json() == before
