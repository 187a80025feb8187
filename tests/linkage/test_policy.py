"""The learning policy: decisions counted per reason switch rules off, move the threshold, and back."""

from __future__ import annotations

import pandas as pd

from familycontext.linkage import policy
from familycontext.linkage.results import CALIBRATION_SAMPLE, queue_order


def _counts(same: int, different: int = 0) -> dict[str, int]:
    return {"same": same, "different": different}


def test_a_check_is_switched_off_only_by_enough_decisions_all_same() -> None:
    assert policy.derive({"first_name": _counts(99)}, lower=0.8).rules_off == frozenset()
    learnt = policy.derive({"first_name": _counts(100)}, lower=0.8)
    assert learnt.rules_off == {"first_name"}
    assert "first_name" not in learnt.rules and "date_of_birth" in learnt.rules


def test_a_later_different_switches_the_check_back_on() -> None:
    assert policy.derive({"date_of_birth": _counts(250, 1)}, lower=0.8).rules_off == frozenset()


def test_a_data_manager_override_wins_either_way() -> None:
    forced_on = policy.derive({"gender": _counts(300)}, lower=0.8, overrides={"gender": True})
    assert forced_on.rules_off == frozenset()
    forced_off = policy.derive({}, lower=0.8, overrides={"first_name": False})
    assert forced_off.rules_off == {"first_name"}
    kept = policy.derive({"band": _counts(300)}, lower=0.8, overrides={"band": True})
    assert kept.upper is None


def test_the_threshold_walks_down_while_each_band_is_all_the_same_person() -> None:
    sizes = {"band": 500, "band_below_0.5": 40, "band_below_0.2": 300}
    assert policy.derive({"band": _counts(60)}, lower=0.8, band_sizes=sizes).upper is None
    first = policy.derive({"band": _counts(100)}, lower=0.8, band_sizes=sizes)
    assert (first.upper, first.floor) == (0.8, 0.5)  # the queue now asks about 0.5-0.8
    evidence = {"band": _counts(100), "band_below_0.5": _counts(40)}  # all of a small band
    second = policy.derive(evidence, lower=0.8, band_sizes=sizes)
    assert (second.upper, second.floor) == (0.5, 0.2)
    evidence["band_below_0.2"] = _counts(80, 1)
    assert policy.derive(evidence, lower=0.8, band_sizes=sizes).upper == 0.5
    household = policy.derive({"band": _counts(97, 3)}, lower=0.8, band_sizes=sizes)
    assert household.upper is None and household.floor is None


def test_decisions_are_counted_under_their_pairs_reason_latest_decision_winning() -> None:
    reasons = {("a", "b"): "band", ("a", "c"): "first_name"}
    decisions = [("b", "a", False), ("a", "b", True), ("a", "c", True), ("x", "y", True)]
    assert policy.count_decisions(decisions, reasons) == {
        "band": _counts(1),
        "first_name": _counts(1),
    }


def test_the_queue_asks_a_random_sample_of_each_reason_first_then_likeliest_first() -> None:
    n_band, n_first = 150, 30
    review = pd.DataFrame(
        {
            "unique_id_l": [f"s:{i}" for i in range(n_band + n_first + 5)],
            "unique_id_r": [f"t:{i}" for i in range(n_band + n_first + 5)],
            "reason": ["band"] * n_band + ["first_name"] * n_first + ["chain"] * 5,
        }
    )
    order = queue_order(review, {})
    asked = [review["reason"][i] for i in sorted(range(len(review)), key=lambda i: order[i])]
    first = asked[: CALIBRATION_SAMPLE + n_first]
    assert first.count("band") == CALIBRATION_SAMPLE and first.count("first_name") == n_first
    assert asked[:2] == ["band", "first_name"]  # taken in turn across reasons
    assert "chain" not in first  # nothing for the policy to learn there: asked last
    sampled = [i for i in range(n_band) if order[i] < CALIBRATION_SAMPLE + n_first]
    assert sampled != list(range(CALIBRATION_SAMPLE))  # a random sample, not the likeliest
    fewer = queue_order(review, {"band": CALIBRATION_SAMPLE - 10})
    asked = sorted(range(len(review)), key=lambda i: fewer[i])[: 10 + n_first]
    assert sum(review["reason"][i] == "band" for i in asked) == 10
