"""Run the linkage model over a frame of person records: train, score pairs, form people.

No database and no Django here, so the same function serves ``link-records`` on a file, the
database run, tests and benchmarks. Data moves into DuckDB through Arrow (no DuckDB extension
is ever needed: those download at run time and fail on an offline council server).

Two engines score the pairs: DuckDB in this process (the default), or Apache Spark for data
too big for one machine (``spark_engine``). Either way the model is trained once, in DuckDB,
and people are formed here from the scored pairs, so both engines give the same people.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker

from familycontext.linkage import model, spark_engine
from familycontext.linkage.clustering import (
    Decision,
    _Components,
    cluster,
    identity_conflicts,
    pair_key,
)
from familycontext.linkage.spark_engine import SparkOptions
from familycontext.linkage.standardise import standardise_table

Progress = Callable[[str], None]
ENGINES = ("duckdb", "spark")

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


# Training looks at samples, not at every pair: the parameters are then fixed for the full
# scoring. Measured on 1M records, more pairs than these change no weight by more than a few
# hundredths of a bit but cost tens of seconds.
U_SAMPLE_PAIRS = 1_000_000
EM_SAMPLE_PAIRS = 400_000


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
    max_pairs = min(U_SAMPLE_PAIRS, max(1e4, n_records * (n_records - 1) / 2))
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    _estimate_m(linker, n_records, progress)
    if n_records <= SMALL_FILE_RECORDS and _remove_matches_from_u(linker):
        # The corrected u values change which pairs look like matches: learn m again.
        _estimate_m(linker, n_records, progress)
    _floor_m(linker)


def _estimate_m(linker: Linker, n_records: int, progress: Progress) -> None:
    for rule in model.training_blocking_rules():
        progress("Estimating m (how often matches agree) by expectation maximisation")
        # Splink's EM session takes the comparisons its blocking rule reads out of the model,
        # and adjusts the prior, in place; it puts them back only when training succeeds. A
        # failed pass would otherwise leave a model without (say) date of birth at all.
        before = linker._settings_obj.core_model_settings.copy()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule,
                max_pairs=EM_SAMPLE_PAIRS if n_records > 50_000 else None,
                estimate_without_term_frequencies=True,
            )
        except Exception as exc:  # noqa: BLE001 - EM on tiny or degenerate data: keep priors
            linker._settings_obj.core_model_settings = before
            logging.getLogger(__name__).warning("EM on %s skipped: %s", rule, exc)


# No level is rarer than this among true matches. EM learns m = 0 for a level its sample never
# shows a match in (a first name unrelated to the other record's; a whole day or month wrong;
# on a 300-record file, almost anything), which would make that level a veto of 30 bits or
# more. Real extracts show every kind of disagreement now and then; one match in a thousand
# keeps such a level strong evidence against (about 10 bits for a different first name)
# without making it absolute.
M_FLOOR = 0.001


def _floor_m(linker: Linker) -> None:
    """Raise every learnt m below M_FLOOR to it (fixed values are left alone)."""
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level or level._fix_m_probability or not level._m_is_trained:
                continue
            if float(level._m_probability) < M_FLOOR:
                level._m_probability = M_FLOOR


# Files up to this many records get the u correction below (and a second EM pass, cheap at
# this size). Above it, matches are too rare among random pairs for the correction to matter.
SMALL_FILE_RECORDS = 50_000
# The correction may make a level at most this many times rarer among non-matches than the
# random sample says (about 4.3 bits): a small sample's m is itself uncertain.
U_CORRECTION_LIMIT = 20.0


def _remove_matches_from_u(linker: Linker) -> bool:
    """Take the true matches out of u, which random sampling estimates from *all* pairs.

    Random pairs include matches at the rate lambda (the prior). On a million records that is
    one pair in 300,000 and changes nothing; on a file of a few hundred records with many
    duplicates it is one pair in a thousand, as common as two strangers sharing a date of
    birth, and it makes every agreement look ordinary: a 300-record file lost 5 bits on an
    exact date of birth. Observed agreement = lambda * m + (1 - lambda) * u, so
    u = (observed - lambda * m) / (1 - lambda), with m from EM. Returns whether u changed.
    """
    settings = linker._settings_obj
    prior = settings._probability_two_random_records_match
    if not 0 < prior < 1:
        return False
    changed = False
    for comparison in settings.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level or level._fix_u_probability:
                continue
            if not (level._m_is_trained and level._u_is_trained):
                continue
            observed, m = float(level._u_probability), float(level._m_probability)
            corrected = (observed - prior * m) / (1 - prior)
            corrected = max(corrected, observed / U_CORRECTION_LIMIT)
            if corrected < observed:
                # Splink recomputes u from its list of estimates after every training step,
                # so the corrected value replaces the estimate, not just the current u; m's
                # estimates are cleared so that the next EM pass learns m afresh.
                level._trained_u_probabilities = [
                    {
                        "probability": corrected,
                        "description": "random sampling, expected matches removed",
                        "m_or_u": "u",
                    }
                ]
                level.u_probability = corrected
                changed = True
    if changed:
        for comparison in settings.comparisons:
            for level in comparison.comparison_levels:
                if not level.is_null_level and not level._fix_m_probability:
                    level._trained_m_probabilities = []
    return changed


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


def _not_forced_together(
    pairs: list[tuple[str, str]], decisions: list[Decision]
) -> list[tuple[str, str]]:
    """Drop conflicts between records a data manager has decided are one person."""
    same = [pair_key(a, b) for a, b, s in decisions if s]
    index = {u: i for i, u in enumerate(sorted({u for p in same for u in p}))}
    forced = _Components(len(index))
    for a, b in same:
        forced.try_union(index[a], index[b])
    return [
        (a, b)
        for a, b in pairs
        if a not in index or b not in index or forced.find(index[a]) != forced.find(index[b])
    ]


def _components(n: int, left: list[int], right: list[int]) -> list[int]:
    """Connected components by union-find over row numbers: each row's root row."""
    parent = list(range(n))
    for a, b in zip(left, right, strict=True):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a != b:
            parent[b] = a
    for i in range(n):
        root = i
        while parent[root] != root:
            root = parent[root]
        parent[i] = root
    return parent


# How much stronger (in bits of match weight) an undated record's best link into its own person
# must be than its best link into a person it was kept apart from, for it to stay: 10 bits is
# odds of about 1000 to 1, the precision linkage aims for.
CLEAR_WINNER_BITS = 10.0


def _clear_winners(undated: set[str], links: pd.DataFrame, cluster_of: dict[str, str]) -> set[str]:
    """The undated records whose best link into their own person beats, by CLEAR_WINNER_BITS,
    their best link into any other person (an exact name against a sibling's nickname)."""
    own: dict[str, float] = {}
    other: dict[str, float] = {}
    if "match_weight" in links.columns:
        weights = links["match_weight"].astype(float)
    else:  # the same number, from the probability
        p = links["match_probability"].astype(float).clip(1e-15, 1 - 1e-15)
        weights = np.log2(p / (1 - p))
    for a, b, w in zip(links["unique_id_l"], links["unique_id_r"], weights, strict=True):
        for x, y in ((a, b), (b, a)):
            if x in undated:
                best = own if cluster_of.get(x) == cluster_of.get(y) else other
                best[x] = max(best.get(x, float("-inf")), float(w))
    return {
        x for x in undated if x in own and own[x] - other.get(x, float("-inf")) >= CLEAR_WINNER_BITS
    }


@dataclass
class People:
    """Who is one person: a label per record row, and how decisions and checks shaped it."""

    label: list[int]
    linked: Any  # boolean mask over the predictions: at or above the upper threshold
    conflict_pairs: list[tuple[str, str]]
    skipped: list[tuple[str, str]]
    conflicting: list[tuple[str, str]]
    forced_used: pd.DataFrame


def form_people(
    con: Any,
    records: str,
    ids: list[str],
    predictions: pd.DataFrame,
    rid_l: Any,
    rid_r: Any,
    upper: float,
    decisions: list[Decision] = (),  # type: ignore[assignment]
) -> People:
    """Links at or above ``upper`` into people, with identity checks and decisions obeyed.

    Connected components first (plain lists, fast); then, only inside the few components
    holding an identity conflict or a "different people" decision, the strongest-first
    clustering that obeys cannot-link constraints. Same result as running that clustering on
    everything, since components are independent, at a fraction of the cost.
    """
    n = len(ids)
    row_of = {u: i for i, u in enumerate(ids)}
    linked = (predictions["match_probability"] >= upper).to_numpy()
    left = rid_l[linked].astype("int64").tolist()
    right = rid_r[linked].astype("int64").tolist()
    for a, b, same in decisions:
        if same and a in row_of and b in row_of:
            left.append(row_of[a])
            right.append(row_of[b])
    root = _components(n, left, right)

    # Identity checks, in SQL, only inside tentative people with more than one record.
    con.register("tentative", pa.table({"rid": pa.array(range(n)), "root": root}))
    conflict_rows = identity_conflicts(con, records, "tentative")
    con.unregister("tentative")
    conflict_pairs = [pair_key(ids[a], ids[b]) for a, b in conflict_rows]
    if decisions and conflict_pairs:
        conflict_pairs = _not_forced_together(conflict_pairs, decisions)
    vetoes = [pair_key(a, b) for a, b, same in decisions if not same]
    affected = {root[row_of[u]] for pair in [*conflict_pairs, *vetoes] for u in pair if u in row_of}

    columns = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    candidates = predictions.loc[linked, [c for c in columns if c in predictions.columns]]
    label = list(root)
    skipped: list[tuple[str, str]] = []
    conflicting: list[tuple[str, str]] = []
    forced_pairs = sorted({pair_key(a, b) for a, b, s in decisions if s})
    forced_used = pd.DataFrame(
        {
            "unique_id_l": [a for a, b in forced_pairs if a in row_of and b in row_of],
            "unique_id_r": [b for a, b in forced_pairs if a in row_of and b in row_of],
        }
    ).assign(match_probability=1.0, forced=True)
    if affected:
        members = [i for i in range(n) if root[i] in affected]
        n_model = len(candidates)
        in_affected = [root[a] in affected for a in left[:n_model]]
        outcome = cluster(
            [ids[i] for i in members],
            candidates.loc[np.asarray(in_affected, dtype=bool)],
            [*[(a, b, False) for a, b in conflict_pairs], *decisions],
        )
        for uid, cid in outcome.cluster_of.items():
            label[row_of[uid]] = row_of[cid] + n  # offset: never collides with a root row
        skipped = outcome.skipped_links
        conflicting = outcome.conflicting_decisions
        # A record without a date of birth that links, above the threshold, into two people
        # kept apart (a father and son of one name at one address) could be either: it is
        # left on its own, and its pairs go to review, rather than given to one by a guess --
        # unless its evidence for one of them is overwhelmingly stronger (see _clear_winner).
        decided_same = {u for a, b, same in decisions if same for u in (a, b)}
        ends = {u for pair in skipped for u in pair} - decided_same
        if ends:
            con.register("ends", pa.table({"rid": [row_of[u] for u in ends]}))
            undated = {
                ids[int(r)]
                for (r,) in con.sql(
                    f"SELECT rid FROM ends JOIN {records} USING (rid) WHERE dob IS NULL"  # noqa: S608
                ).fetchall()
            }
            con.unregister("ends")
            if undated:
                kept = _clear_winners(
                    undated, candidates.loc[np.asarray(in_affected, dtype=bool)], outcome.cluster_of
                )
                for uid in undated - kept:
                    x = row_of[uid]
                    label[x] = x + 2 * n  # a person of its own
        used_forced = outcome.used_links[outcome.used_links["forced"]]
        unaffected_forced = forced_used[
            [root[row_of[a]] not in affected for a in forced_used["unique_id_l"]]
        ]
        forced_used = pd.concat([used_forced, unaffected_forced], ignore_index=True)
    return People(label, linked, conflict_pairs, skipped, conflicting, forced_used)


def link_frame(
    df: pd.DataFrame,
    *,
    upper: float = 0.99,
    lower: float = 0.80,
    decisions: Iterable[Decision] = (),
    seed: int = 42,
    parameters: dict[str, Any] | None = None,
    progress: Progress | None = None,
    engine: str = "duckdb",
    spark: SparkOptions | None = None,
) -> LinkageResult:
    """Link records in the standard layout into people.

    Pairs scoring at or above ``upper`` are links; pairs in [lower, upper) go for review.
    ``decisions`` (unique_id_l, unique_id_r, same) override the model: same forces a link,
    different forbids the pair from ending in one person, even through other records.
    ``parameters`` reuses a trained model instead of training on ``df``.
    ``engine`` scores the pairs in DuckDB (here) or on Apache Spark (``spark`` says where);
    training and forming people run here in DuckDB either way, so the people are the same.

    People are formed in two steps: connected components of the links (fast, in plain lists),
    then, only for the few components holding an identity conflict or a "different people"
    decision, the strongest-first clustering that obeys cannot-link constraints.
    """
    if not 0.0 <= lower <= upper <= 1.0:
        raise ValueError("thresholds must satisfy 0 <= lower <= upper <= 1")
    if engine not in ENGINES:
        raise ValueError(f"unknown linkage engine {engine!r}; use 'duckdb' or 'spark'")
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    logging.getLogger("splink").setLevel(logging.ERROR)

    say("Standardising records")
    table = standardise_table(df)
    n = table.num_rows
    timings: dict[str, float] = {"standardise": time.perf_counter() - started}
    decisions = list(decisions)
    decided = {pair_key(a, b) for a, b, _same in decisions}

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    db_api = DuckDBAPI(connection=con)
    splink_df = db_api.register(table, dataset_display_name="records")
    if parameters is not None:
        settings: Any = {
            **parameters,
            "retain_intermediate_calculation_columns": True,
            "retain_matching_columns": True,
            "additional_columns_to_retain": ["source", "rid"],
        }
    else:
        settings = model.settings(retain_intermediate=True)
    linker = Linker(splink_df, settings, log_level=None)

    mark = time.perf_counter()
    if parameters is None and n > 1:
        _train(linker, n, seed, say)
    timings["train"] = time.perf_counter() - mark

    say("Scoring candidate pairs" + (" on Spark" if engine == "spark" else ""))
    mark = time.perf_counter()
    labels = _level_labels(linker)
    if n > 1:
        keep = ["unique_id_l", "unique_id_r", "rid_l", "rid_r", "match_probability", "match_weight"]
        keep += [f"{p}_{name}" for name in labels for p in ("gamma", "mw")]
        keep += [f"mw_tf_adj_{name}" for name in labels if model.has_tf(name)]
        if engine == "spark":
            scored_arrow, spark_timings = spark_engine.predict(
                table,
                linker.misc.save_model_to_json(),
                lower=lower,
                columns=keep,
                options=spark or SparkOptions(),
            )
            timings |= spark_timings
            con.register("scored_on_spark", scored_arrow)
            scored_table = "scored_on_spark"
        else:
            scored = linker.inference.predict(
                threshold_match_probability=lower, warning_mode="never"
            )
            scored_table = scored.physical_name
        # A fixed order (engines return pairs in any order), so ties are broken alike.
        raw = con.sql(
            f"SELECT {', '.join(keep)} FROM {scored_table}"  # noqa: S608 - our table names
            " ORDER BY unique_id_l, unique_id_r"
        ).df()
        predictions = _with_evidence(raw, labels)
    else:
        predictions = _with_evidence(
            pd.DataFrame(
                columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
                + [f"{p}_{n}" for n in labels for p in ("gamma", "mw")]
            ),
            labels,
        )
        raw = pd.DataFrame({"rid_l": [], "rid_r": []})
    timings["predict"] = time.perf_counter() - mark

    say("Forming people")
    mark = time.perf_counter()
    ids = table.column("unique_id").to_pylist()
    people = form_people(
        con,
        splink_df.physical_name,
        ids,
        predictions,
        raw["rid_l"].to_numpy(),
        raw["rid_r"].to_numpy(),
        upper,
        decisions,
    )
    label, linked, conflict_pairs = people.label, people.linked, people.conflict_pairs
    skipped, conflicting, forced_used = people.skipped, people.conflicting, people.forced_used

    # Each person's cluster id is its smallest unique_id, independent of processing order.
    con.register("labelled", pa.table({"rid": pa.array(range(n)), "label": label}))
    clusters = con.sql(
        f"""SELECT r.unique_id, r.source, r.record_id,
                   min(r.unique_id) OVER (PARTITION BY l.label) AS cluster_id
            FROM {splink_df.physical_name} r JOIN labelled l USING (rid) ORDER BY r.rid"""  # noqa: S608
    ).df()
    for column in ("unique_id", "source", "record_id", "cluster_id"):
        clusters[column] = clusters[column].astype("object")

    label_equal = [
        label[a] == label[b]
        for a, b in zip(
            raw["rid_l"].astype("int64").tolist(),
            raw["rid_r"].astype("int64").tolist(),
            strict=True,
        )
    ]
    joined = pd.Series(label_equal, index=predictions.index, dtype=bool)
    skipped_set = set(skipped)
    pairs = [
        pair_key(a, b)
        for a, b in zip(predictions["unique_id_l"], predictions["unique_id_r"], strict=True)
    ]
    keys_l = [p[0] for p in pairs]
    keys_r = [p[1] for p in pairs]
    vetoed = {pair_key(a, b) for a, b, s in decisions if not s}
    used_model = (
        linked
        & joined.to_numpy()
        & ~pd.Series(
            [p in skipped_set or p in vetoed for p in pairs], index=predictions.index, dtype=bool
        ).to_numpy()
    )
    model_links = pd.DataFrame(
        {
            "unique_id_l": [p[0] for p, u in zip(pairs, used_model, strict=True) if u],
            "unique_id_r": [p[1] for p, u in zip(pairs, used_model, strict=True) if u],
            "match_probability": predictions["match_probability"].to_numpy()[used_model],
            "forced": False,
        }
    )
    ordered = pd.concat([forced_used, model_links], ignore_index=True).drop_duplicates(
        ["unique_id_l", "unique_id_r"], keep="first"
    )
    norm = predictions.drop(columns=["match_probability"]).assign(
        unique_id_l=keys_l, unique_id_r=keys_r
    )
    links = ordered.reset_index(drop=True).merge(
        norm, on=["unique_id_l", "unique_id_r"], how="left"
    )
    in_band = predictions["match_probability"] < upper
    kept_apart = ~in_band & ~joined  # scored as a link but cut by a conflict or a decision
    undecided = pd.Series([p not in decided for p in pairs], index=predictions.index, dtype=bool)
    review = predictions[(in_band | kept_apart) & undecided].copy()
    review["same_person_now"] = joined[review.index]
    review["reason"] = [
        "between thresholds" if b else "kept apart: identities conflict"
        for b in in_band[review.index]
    ]
    review = review.sort_values("match_probability", ascending=False).reset_index(drop=True)
    timings["cluster"] = time.perf_counter() - mark

    params = linker.misc.save_model_to_json()
    figures = {
        "engine": engine,
        "records_in": int(n),
        "people_out": int(clusters["cluster_id"].nunique()),
        "pairs_scored_above_lower": int(len(predictions)),
        "links_made": int(len(links)),
        "links_forced_by_decision": int(links["forced"].sum()) if len(links) else 0,
        "links_cut_by_decision": len(skipped),
        "record_pairs_kept_apart_for_conflicting_identity": len(conflict_pairs),
        "conflicting_decisions": [list(p) for p in conflicting],
        "pairs_for_review": int(len(review)),
        "upper_threshold": upper,
        "lower_threshold": lower,
        "probability_two_random_records_match": params.get("probability_two_random_records_match"),
        "seconds": {k: round(v, 2) for k, v in timings.items()}
        | {"total": round(time.perf_counter() - started, 2)},
    }
    db_api.delete_tables_created_by_splink_from_db()
    con.close()
    return LinkageResult(
        clusters=clusters,
        predictions=predictions,
        links=links,
        review=review,
        parameters=params,
        figures=figures,
        evidence_columns=list(labels),
    )
