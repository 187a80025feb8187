"""Run the linkage model over a frame of person records: train, score pairs, form people.

No database and no Django here, so the same function serves ``link-records`` on a file, the
database run, tests and benchmarks. The steps live in their own modules, grouped as Splink
groups its ``Linker``: ``training`` (prior, u, m), ``scoring`` (every candidate pair, on DuckDB
or Spark), ``forming`` (people from the scored pairs, identity checks and decisions) and
``results`` (links, review queue, figures). Splink's private parts are used only through
``splink_internals``.

Two engines score the pairs: DuckDB in this process (the default), or Apache Spark for data
too big for one machine (``spark_engine``). Either way the model is trained once, in DuckDB,
and people are formed here from the scored pairs, so both engines give the same people.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import duckdb
import pandas as pd

from familycontext.linkage import policy, training
from familycontext.linkage.clustering import Decision
from familycontext.linkage.forming import CLEAR_WINNER_BITS, People, clear_winners, form_people
from familycontext.linkage.results import (
    LinkageResult,
    clusters_frame,
    figures,
    links_and_review,
)
from familycontext.linkage.scoring import ENGINES, open_session, score
from familycontext.linkage.spark_engine import SparkOptions
from familycontext.linkage.standardise import impossible_dates, standardise_table

__all__ = [
    "CLEAR_WINNER_BITS",
    "ENGINES",
    "LinkageResult",
    "People",
    "clear_winners",
    "form_people",
    "link_frame",
]

Progress = Callable[[str], None]


def blank_impossible_dates(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One bad value never refuses the file: an impossible date of birth is blanked for linkage
    and counted (figures ``dates_of_birth_blanked`` and the first rows, numbered as in a CSV
    file with a header)."""
    if "date_of_birth" not in df.columns:
        return df, {"dates_of_birth_blanked": 0, "dates_of_birth_blanked_first_rows": []}
    bad = impossible_dates(df).to_numpy()
    rows = [i for i, b in enumerate(bad) if b]
    first = [{"row": i + 2, "value": str(df["date_of_birth"].iat[i])} for i in rows[:5]]
    if rows:
        df = df.assign(date_of_birth=df["date_of_birth"].mask(bad, ""))
    return df, {"dates_of_birth_blanked": len(rows), "dates_of_birth_blanked_first_rows": first}


def _policy(
    con: Any,
    records: str,
    ids: list[str],
    args: tuple[Any, Any, Any],
    upper: float,
    lower: float,
    decisions: list[Decision],
    overrides: Mapping[str, bool] | None,
) -> policy.Policy:
    """The policy the decisions support: each decided pair counted under the reason the
    defaults (every rule on, no decisions) would queue it for."""
    if not decisions and not overrides:
        return policy.Policy()
    baseline = form_people(con, records, ids, *args, upper)
    reasons = links_and_review(*args, baseline, upper, [], lower=lower).reasons
    evidence = policy.count_decisions(decisions, reasons)
    probability = args[0]["match_probability"]
    band_sizes = (
        probability[probability < upper]
        .map(lambda p: policy.band_name(float(p), lower))
        .value_counts()
        .to_dict()
    )
    return policy.derive(evidence, lower=lower, band_sizes=band_sizes, overrides=overrides)


def _at_least(args: tuple[Any, Any, Any], floor: float) -> tuple[Any, Any, Any]:
    """The scored pairs at or above ``floor`` (predictions, rid_l, rid_r)."""
    predictions, rid_l, rid_r = args
    keep = (predictions["match_probability"] >= floor).to_numpy()
    if keep.all():
        return args
    return predictions[keep].reset_index(drop=True), rid_l[keep], rid_r[keep]


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
    learn: bool = True,
    overrides: Mapping[str, bool] | None = None,
) -> LinkageResult:
    """Link records in the standard layout into people.

    Pairs scoring at or above ``upper`` are links; pairs in [lower, upper) go for review.
    ``decisions`` (unique_id_l, unique_id_r, same) override the model: same forces a link,
    different forbids the pair from ending in one person, even through other records.
    ``parameters`` reuses a trained model instead of training on ``df``.
    ``engine`` scores the pairs in DuckDB (here) or on Apache Spark (``spark`` says where);
    training and forming people run here in DuckDB either way, so the people are the same.
    ``learn``: derive the deployment's policy from the decisions (``policy``: rules switched
    off, link threshold moved; ``overrides`` are a data manager's, reason -> on); without it,
    every rule stays on at the given thresholds.
    """
    if not 0.0 <= lower <= upper <= 1.0:
        raise ValueError("thresholds must satisfy 0 <= lower <= upper <= 1")
    if engine not in ENGINES:
        raise ValueError(f"unknown linkage engine {engine!r}; use 'duckdb' or 'spark'")
    say = progress or (lambda _message: None)
    logging.getLogger("splink").setLevel(logging.ERROR)
    decisions = list(decisions)
    timings: dict[str, float] = {}
    started = mark = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[stage] = now - mark
        mark = now

    say("Standardising records")
    df, blanked = blank_impossible_dates(df)
    table = standardise_table(df)
    lap("standardise")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    session = open_session(con, table, parameters)
    try:
        if parameters is None and table.num_rows > 1:
            training.train(session.linker, table.num_rows, seed, say)
        lap("train")
        say("Scoring candidate pairs" + (" on Spark" if engine == "spark" else ""))
        explore = learn and bool(decisions)  # the policy may move the review floor down
        floor = min(lower, policy.EXPLORE_STEPS[-1]) if explore else lower
        scored = score(session, table, lower=floor, engine=engine, spark=spark)
        timings |= scored.timings
        lap("predict")
        say("Forming people")
        ids = table.column("unique_id").to_pylist()
        args = (scored.predictions, scored.rid_l, scored.rid_r)
        learnt = _policy(con, session.records_table, ids, args, upper, lower, decisions, overrides)
        if not learn:
            learnt = policy.Policy(evidence=learnt.evidence)
        args = _at_least(args, learnt.review_floor(lower))
        linked_at = learnt.link_threshold(upper)
        people = form_people(
            con, session.records_table, ids, *args, linked_at, decisions, learnt.rules
        )
        clusters = clusters_frame(con, session.records_table, people.label)
        asked = {r: c["same"] + c["different"] for r, c in learnt.evidence.items()}
        outcome = links_and_review(*args, people, linked_at, decisions, asked, lower)
        lap("cluster")
        params = session.linker.misc.save_model_to_json()
    finally:
        session.close()
    result_figures = figures(
        engine=engine,
        people_out=clusters["cluster_id"].nunique(),
        n_records=table.num_rows,
        predictions=args[0],
        outcome=outcome,
        people=people,
        upper=upper,
        lower=lower,
        prior=params.get("probability_two_random_records_match"),
    )
    result_figures |= blanked | {"policy": learnt.figures()}
    result_figures["seconds"] = {k: round(v, 2) for k, v in timings.items()} | {
        "total": round(time.perf_counter() - started, 2)
    }
    return LinkageResult(
        clusters=clusters,
        predictions=args[0],
        links=outcome.links,
        review=outcome.review,
        parameters=params,
        figures=result_figures,
        evidence_columns=scored.evidence_columns,
    )
