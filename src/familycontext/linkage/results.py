"""What a linkage produced, in plain frames: people, the links used, the review queue, figures."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from familycontext.linkage.clustering import Decision, pair_key
from familycontext.linkage.forming import People
from familycontext.linkage.policy import (
    BAND,
    EXPLORE_STEPS,
    SWITCHABLE,
    UNDATED_HOUSEMATES,
    band_name,
)

# Why a pair is in the review queue: in the band between the thresholds, or scored as a link
# and kept apart -- by an identity check (named), by a chain (the link would join records kept
# apart through other records), or because one end is an undated record between two people.
CHAIN = "chain"
REVIEW_REASONS = (
    BAND,
    "first_name",
    "date_of_birth",
    "gender",
    CHAIN,
    UNDATED_HOUSEMATES,
    "nhs_number",
)
# The queue asks first, per reason the policy can act on, a random sample of this many pairs
# (less those already decided): what teaches most. Then the rest, likeliest first.
CALIBRATION_SAMPLE = 100
CALIBRATED = (BAND, *(f"band_below_{s}" for s in EXPLORE_STEPS), *SWITCHABLE)


@dataclass
class LinkageResult:
    """What one linkage produced, in plain frames and dicts (JSON-serialisable parameters)."""

    clusters: pd.DataFrame  # unique_id, source, record_id, cluster_id
    predictions: pd.DataFrame  # every scored pair at or above the lower threshold
    links: pd.DataFrame  # the pairs that joined records into people (forced = a decision)
    review: pd.DataFrame  # pairs between the thresholds or kept apart, not decided, with a reason
    parameters: dict[str, Any]
    figures: dict[str, Any]
    evidence_columns: list[str] = field(default_factory=list)

    def evidence(self, pair: pd.Series | dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Per-field evidence for one scored pair: the level each field reached and its weight."""
        return {
            name: {"level": pair[f"level_{name}"], "weight": pair[f"weight_{name}"]}
            for name in self.evidence_columns
        }


def clusters_frame(con: Any, records: str, label: list[int]) -> pd.DataFrame:
    """unique_id, source, record_id, cluster_id: each person's id is its smallest unique_id,
    independent of processing order."""
    con.register("labelled", pa.table({"rid": pa.array(range(len(label))), "label": label}))
    try:
        clusters = con.sql(
            f"""SELECT r.unique_id, r.source, r.record_id,
                       min(r.unique_id) OVER (PARTITION BY l.label) AS cluster_id
                FROM {records} r JOIN labelled l USING (rid) ORDER BY r.rid"""  # noqa: S608
        ).df()
    finally:
        con.unregister("labelled")
    for column in ("unique_id", "source", "record_id", "cluster_id"):
        clusters[column] = clusters[column].astype("object")
    return clusters


@dataclass
class Outcome:
    links: pd.DataFrame
    review: pd.DataFrame
    reasons: dict[tuple[str, str], str]  # every pair in the band or kept apart, decided or not


def links_and_review(
    predictions: pd.DataFrame,
    rid_l: Any,
    rid_r: Any,
    people: People,
    upper: float,
    decisions: list[Decision],
    decided_by_reason: Mapping[str, int] | None = None,
    lower: float = 0.0,
) -> Outcome:
    """The links each person was joined by (decisions first), and the pairs left for review,
    each with its reason, in the order the queue asks them (``queue_order``)."""
    label = people.label
    joined = pd.Series(
        [label[a] == label[b] for a, b in zip(rid_l.tolist(), rid_r.tolist(), strict=True)],
        index=predictions.index,
        dtype=bool,
    )
    pairs = [
        pair_key(a, b)
        for a, b in zip(predictions["unique_id_l"], predictions["unique_id_r"], strict=True)
    ]
    skipped = set(people.skipped)
    vetoed = {pair_key(a, b) for a, b, s in decisions if not s}
    not_cut = [p not in skipped and p not in vetoed for p in pairs]
    used_model = people.linked & joined.to_numpy() & pd.Series(not_cut, dtype=bool).to_numpy()
    model_links = pd.DataFrame(
        {
            "unique_id_l": [p[0] for p, u in zip(pairs, used_model, strict=True) if u],
            "unique_id_r": [p[1] for p, u in zip(pairs, used_model, strict=True) if u],
            "match_probability": predictions["match_probability"].to_numpy()[used_model],
            "forced": False,
        }
    )
    ordered = pd.concat([people.forced_used, model_links], ignore_index=True).drop_duplicates(
        ["unique_id_l", "unique_id_r"], keep="first"
    )
    norm = predictions.drop(columns=["match_probability"]).assign(
        unique_id_l=[p[0] for p in pairs], unique_id_r=[p[1] for p in pairs]
    )
    links = ordered.reset_index(drop=True).merge(
        norm, on=["unique_id_l", "unique_id_r"], how="left"
    )

    decided = {pair_key(a, b) for a, b, _same in decisions}
    in_band = predictions["match_probability"] < upper
    kept_apart = ~in_band & ~joined  # scored as a link but cut by a conflict or a decision
    queued = (in_band | kept_apart).to_numpy()
    reasons = {
        p: review_reason(p, bool(b), people, band_name(float(prob), lower))
        for p, b, q, prob in zip(
            pairs, in_band, queued, predictions["match_probability"], strict=True
        )
        if q
    }
    undecided = pd.Series([p not in decided for p in pairs], index=predictions.index, dtype=bool)
    wanted = queued & undecided.to_numpy()
    review = predictions[wanted].copy()
    review["same_person_now"] = joined[review.index]
    review["reason"] = [reasons[p] for p, w in zip(pairs, wanted, strict=True) if w]
    review = review.sort_values("match_probability", ascending=False, kind="stable")
    review["queue_order"] = queue_order(review, decided_by_reason or {})
    review = review.sort_values("queue_order").reset_index(drop=True)
    return Outcome(links, review, reasons)


def queue_order(review: pd.DataFrame, decided_by_reason: Mapping[str, int]) -> list[int]:
    """Each review pair's place in the queue (0 first), for ``review`` sorted likeliest first.

    First a random calibration sample of each reason the policy can act on (``CALIBRATED``):
    up to ``CALIBRATION_SAMPLE`` pairs less those of the reason already decided, taken in turn
    across reasons, so each class's first decisions are an unbiased sample of it. The rest
    follow, likeliest first. "Random" is a fixed hash of the pair: the same queue every run.
    """
    keys = [
        zlib.crc32(f"{a}|{b}".encode())
        for a, b in zip(review["unique_id_l"], review["unique_id_r"], strict=True)
    ]
    by_reason: dict[str, list[int]] = {}
    for i, reason in enumerate(review["reason"]):
        by_reason.setdefault(reason, []).append(i)
    sample: list[tuple[int, int, int]] = []  # (turn, reason's place, row)
    for reason, rows in by_reason.items():
        if reason not in CALIBRATED:
            continue
        want = max(0, CALIBRATION_SAMPLE - int(decided_by_reason.get(reason, 0)))
        drawn = sorted(rows, key=lambda i: keys[i])[:want]
        sample += [(turn, CALIBRATED.index(reason), i) for turn, i in enumerate(drawn)]
    first = [i for _turn, _place, i in sorted(sample)]
    chosen = set(first)
    order = first + [i for i in range(len(review)) if i not in chosen]
    place = [0] * len(review)
    for position, i in enumerate(order):
        place[i] = position
    return place


def review_reason(pair: tuple[str, str], in_band: bool, people: People, band: str = BAND) -> str:
    """Why a pair is in the review queue (one of ``REVIEW_REASONS``, or a band below the
    configured one: ``policy.band_name``)."""
    if in_band:
        return band
    check = people.conflicts.get(pair)
    if check is not None:
        return check
    if pair[0] in people.alone or pair[1] in people.alone:
        return UNDATED_HOUSEMATES
    return CHAIN


def figures(
    *,
    engine: str,
    people_out: int,
    n_records: int,
    predictions: pd.DataFrame,
    outcome: Outcome,
    people: People,
    upper: float,
    lower: float,
    prior: Any,
) -> dict[str, Any]:
    """The run's figures (without timings, which the caller adds)."""
    links, review = outcome.links, outcome.review
    return {
        "engine": engine,
        "records_in": int(n_records),
        "people_out": int(people_out),
        "pairs_scored_above_lower": int(len(predictions)),
        "links_made": int(len(links)),
        "links_forced_by_decision": int(links["forced"].sum()) if len(links) else 0,
        "links_cut_by_decision": len(people.skipped),
        "record_pairs_kept_apart_for_conflicting_identity": len(people.conflicts),
        "conflicting_decisions": [list(p) for p in people.conflicting],
        "pairs_for_review": int(len(review)),
        "pairs_for_review_by_reason": {
            r: int(c) for r, c in review["reason"].value_counts().sort_index().items()
        }
        if len(review)
        else {},
        "upper_threshold": upper,
        "lower_threshold": lower,
        "probability_two_random_records_match": prior,
    }
