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
from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import pandas as pd

from familycontext.linkage import training
from familycontext.linkage.clustering import IDENTITY_CHECKS, Decision
from familycontext.linkage.forming import CLEAR_WINNER_BITS, People, clear_winners, form_people
from familycontext.linkage.results import (
    LinkageResult,
    clusters_frame,
    figures,
    links_and_review,
)
from familycontext.linkage.scoring import ENGINES, open_session, score
from familycontext.linkage.spark_engine import SparkOptions
from familycontext.linkage.standardise import standardise_table

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
    checks: Iterable[str] = IDENTITY_CHECKS,
) -> LinkageResult:
    """Link records in the standard layout into people.

    Pairs scoring at or above ``upper`` are links; pairs in [lower, upper) go for review.
    ``decisions`` (unique_id_l, unique_id_r, same) override the model: same forces a link,
    different forbids the pair from ending in one person, even through other records.
    ``parameters`` reuses a trained model instead of training on ``df``.
    ``engine`` scores the pairs in DuckDB (here) or on Apache Spark (``spark`` says where);
    training and forming people run here in DuckDB either way, so the people are the same.
    ``checks`` are the identity checks applied (``clustering.IDENTITY_CHECKS``: all of them).
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
        scored = score(session, table, lower=lower, engine=engine, spark=spark)
        timings |= scored.timings
        lap("predict")
        say("Forming people")
        ids = table.column("unique_id").to_pylist()
        args = (scored.predictions, scored.rid_l, scored.rid_r)
        people = form_people(con, session.records_table, ids, *args, upper, decisions, checks)
        clusters = clusters_frame(con, session.records_table, people.label)
        outcome = links_and_review(*args, people, upper, decisions)
        lap("cluster")
        params = session.linker.misc.save_model_to_json()
    finally:
        session.close()
    result_figures = figures(
        engine=engine,
        people_out=clusters["cluster_id"].nunique(),
        n_records=table.num_rows,
        predictions=scored.predictions,
        outcome=outcome,
        people=people,
        upper=upper,
        lower=lower,
        prior=params.get("probability_two_random_records_match"),
    )
    result_figures["seconds"] = {k: round(v, 2) for k, v in timings.items()} | {
        "total": round(time.perf_counter() - started, 2)
    }
    return LinkageResult(
        clusters=clusters,
        predictions=scored.predictions,
        links=outcome.links,
        review=outcome.review,
        parameters=params,
        figures=result_figures,
        evidence_columns=scored.evidence_columns,
    )
