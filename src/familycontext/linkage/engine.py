"""Run the linkage model over a frame of person records: train, score pairs, form people.

No database and no Django here, so the same function serves ``link-records`` on a file, the
database run, tests and benchmarks. Data moves into DuckDB through Arrow (no DuckDB extension
is ever needed: those download at run time and fail on an offline council server).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker

from familycontext.linkage import model
from familycontext.linkage.clustering import Decision, cluster, identity_conflicts, pair_key
from familycontext.linkage.standardise import standardise

Progress = Callable[[str], None]

# Below this many records the random-sampling and EM steps see too few pairs to learn from, so
# the model starts from these (documented, conservative) m and u values and EM refines them.
PRIOR_MATCH_RATE_FLOOR = 1e-7


@dataclass
class LinkageResult:
    """What one linkage produced, in plain frames and dicts (JSON-serialisable parameters)."""

    clusters: pd.DataFrame  # unique_id, source, record_id, cluster_id
    predictions: pd.DataFrame  # every scored pair at or above the lower threshold
    links: pd.DataFrame  # the pairs that joined records into people (forced = a decision)
    review: pd.DataFrame  # pairs between the thresholds, not decided, for a data manager
    parameters: dict[str, Any]
    figures: dict[str, Any]
    evidence_columns: list[str] = field(default_factory=list)

    def evidence(self, pair: pd.Series | dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Per-field evidence for one scored pair: the level each field reached and its weight."""
        return {
            name: {"level": pair[f"level_{name}"], "weight": pair[f"weight_{name}"]}
            for name in self.evidence_columns
        }


def _train(linker: Linker, n_records: int, seed: int, progress: Progress) -> None:
    progress("Estimating how common matches are")
    try:
        linker.training.estimate_probability_two_random_records_match(
            model.deterministic_rules(), recall=0.7
        )
    except ValueError:
        pass  # tiny inputs: keep Splink's default prior
    if linker._settings_obj._probability_two_random_records_match < PRIOR_MATCH_RATE_FLOOR:
        linker._settings_obj._probability_two_random_records_match = PRIOR_MATCH_RATE_FLOOR
    progress("Estimating u (how often non-matches agree) by random sampling")
    max_pairs = min(2e6, max(1e4, n_records * (n_records - 1) / 2))
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in model.training_blocking_rules():
        progress("Estimating m (how often matches agree) by expectation maximisation")
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=2e6 if n_records > 50_000 else None
            )
        except Exception as exc:  # noqa: BLE001 - EM on tiny or degenerate data: keep priors
            logging.getLogger(__name__).warning("EM on %s skipped: %s", rule, exc)


def _level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    labels: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        labels[comparison.output_column_name] = {
            level.comparison_vector_value: level.label_for_charts
            for level in comparison.comparison_levels
        }
    return labels


def _with_evidence(raw: pd.DataFrame, labels: dict[str, dict[int, str]]) -> pd.DataFrame:
    """Keep ids, probability and, per comparison, the level reached and its match weight."""
    out = pd.DataFrame(
        {
            "unique_id_l": raw["unique_id_l"].astype(str),
            "unique_id_r": raw["unique_id_r"].astype(str),
            "match_probability": raw["match_probability"].astype(float),
            "match_weight": raw["match_weight"].astype(float),
        }
    )
    for name, by_gamma in labels.items():
        gamma = raw[f"gamma_{name}"].astype(int)
        weight = raw[f"mw_{name}"].astype(float).fillna(0.0)
        tf_col = f"mw_tf_adj_{name}"
        if tf_col in raw.columns:
            weight = weight + raw[tf_col].astype(float).fillna(0.0)
        out[f"level_{name}"] = gamma.map(by_gamma)
        out[f"weight_{name}"] = weight.round(2).clip(lower=-99.0, upper=99.0)
    return out


def link_frame(
    df: pd.DataFrame,
    *,
    upper: float = 0.99,
    lower: float = 0.80,
    decisions: Iterable[Decision] = (),
    seed: int = 42,
    parameters: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> LinkageResult:
    """Link records in the standard layout into people.

    Pairs scoring at or above ``upper`` are links; pairs in [lower, upper) go for review.
    ``decisions`` (unique_id_l, unique_id_r, same) override the model: same forces a link,
    different forbids the pair from ending in one person, even through other records.
    ``parameters`` reuses a trained model instead of training on ``df``.
    """
    if not 0.0 <= lower <= upper <= 1.0:
        raise ValueError("thresholds must satisfy 0 <= lower <= upper <= 1")
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    logging.getLogger("splink").setLevel(logging.ERROR)

    say("Standardising records")
    records = standardise(df)
    timings: dict[str, float] = {"standardise": time.perf_counter() - started}
    decisions = list(decisions)
    decided = {pair_key(a, b) for a, b, _same in decisions}

    db_api = DuckDBAPI()
    table = pa.Table.from_pandas(records, preserve_index=False)
    splink_df = db_api.register(table, dataset_display_name="records")
    settings = parameters if parameters is not None else model.settings(retain_intermediate=True)
    if parameters is not None:
        settings = {
            **parameters,
            "retain_intermediate_calculation_columns": True,
            "retain_matching_columns": True,
        }
    linker = Linker(splink_df, settings, log_level=None)

    mark = time.perf_counter()
    if parameters is None and len(records) > 1:
        _train(linker, len(records), seed, say)
    timings["train"] = time.perf_counter() - mark

    say("Scoring candidate pairs")
    mark = time.perf_counter()
    labels = _level_labels(linker)
    if len(records) > 1:
        scored = linker.inference.predict(threshold_match_probability=lower, warning_mode="never")
        raw = scored.as_pandas_dataframe()
        predictions = _with_evidence(raw, labels)
    else:
        predictions = _with_evidence(
            pd.DataFrame(
                columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
                + [f"{p}_{n}" for n in labels for p in ("gamma", "mw")]
            ),
            labels,
        )
    timings["predict"] = time.perf_counter() - mark

    say("Forming people")
    mark = time.perf_counter()
    candidates = predictions[predictions["match_probability"] >= upper]
    outcome = cluster(records["unique_id"], candidates, decisions)
    conflicts = identity_conflicts(records, outcome.cluster_of, decisions)
    if conflicts:
        outcome = cluster(
            records["unique_id"], candidates, [*[(a, b, False) for a, b in conflicts], *decisions]
        )
    clusters = records[["unique_id", "source", "record_id"]].copy()
    clusters["cluster_id"] = clusters["unique_id"].map(outcome.cluster_of)

    links = outcome.used_links.merge(
        predictions.drop(columns=["match_probability"]),
        on=["unique_id_l", "unique_id_r"],
        how="left",
    )
    keys = [
        pair_key(a, b)
        for a, b in zip(predictions["unique_id_l"], predictions["unique_id_r"], strict=True)
    ]
    joined = pd.Series(
        [outcome.cluster_of[a] == outcome.cluster_of[b] for a, b in keys],
        index=predictions.index,
        dtype=bool,
    )
    in_band = predictions["match_probability"] < upper
    kept_apart = ~in_band & ~joined  # scored as a link but cut by a conflict or a decision
    undecided = pd.Series([k not in decided for k in keys], index=predictions.index, dtype=bool)
    review = predictions[(in_band | kept_apart) & undecided].copy()
    review["same_person_now"] = joined[review.index]
    review["reason"] = [
        "between thresholds" if b else "kept apart: first names or dates of birth conflict"
        for b in in_band[review.index]
    ]
    review = review.sort_values("match_probability", ascending=False).reset_index(drop=True)
    timings["cluster"] = time.perf_counter() - mark

    params = linker.misc.save_model_to_json()
    figures = {
        "records_in": int(len(records)),
        "people_out": int(clusters["cluster_id"].nunique()),
        "pairs_scored_above_lower": int(len(predictions)),
        "links_made": int(len(links)),
        "links_forced_by_decision": int(links["forced"].sum()) if len(links) else 0,
        "links_cut_by_decision": len(outcome.skipped_links),
        "record_pairs_kept_apart_for_conflicting_identity": len(conflicts),
        "conflicting_decisions": [list(p) for p in outcome.conflicting_decisions],
        "pairs_for_review": int(len(review)),
        "upper_threshold": upper,
        "lower_threshold": lower,
        "probability_two_random_records_match": params.get("probability_two_random_records_match"),
        "seconds": {k: round(v, 2) for k, v in timings.items()}
        | {"total": round(time.perf_counter() - started, 2)},
    }
    db_api.delete_tables_created_by_splink_from_db()
    return LinkageResult(
        clusters=clusters,
        predictions=predictions,
        links=links,
        review=review,
        parameters=params,
        figures=figures,
        evidence_columns=list(labels),
    )
