"""Scoring: every candidate pair's match probability and, per field, the level reached and its weight.

The linker is built here on a DuckDB connection (data in through Arrow: no DuckDB extension is
ever needed, and those download at run time). Pairs are scored in DuckDB, or on Apache Spark
(``spark_engine``) with the same trained parameters rewritten into Spark's SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker

from familycontext.linkage import model, spark_engine
from familycontext.linkage import splink_internals as internals
from familycontext.linkage.spark_engine import SparkOptions

ENGINES = ("duckdb", "spark")


@dataclass
class Session:
    """A Splink linker over the standardised records, on one DuckDB connection."""

    con: Any
    db_api: DuckDBAPI
    records: Any  # Splink's handle on the registered records
    linker: Linker

    @property
    def records_table(self) -> str:
        return str(self.records.physical_name)

    def close(self) -> None:
        self.db_api.delete_tables_created_by_splink_from_db()
        self.con.close()


def open_session(con: Any, table: pa.Table, parameters: dict[str, Any] | None) -> Session:
    """A linker with the model untrained, or with ``parameters`` (a saved, trained model)."""
    db_api = DuckDBAPI(connection=con)
    records = db_api.register(table, dataset_display_name="records")
    if parameters is not None:
        settings: Any = {
            **parameters,
            "retain_intermediate_calculation_columns": True,
            "retain_matching_columns": True,
            "additional_columns_to_retain": ["source", "rid"],
        }
    else:
        settings = model.settings(retain_intermediate=True)
    return Session(con, db_api, records, Linker(records, settings, log_level=None))


@dataclass
class Scored:
    """Pairs at or above the lower threshold, in a fixed order, with their row numbers."""

    predictions: pd.DataFrame  # unique_id_l/_r, match_probability, match_weight, level_*, weight_*
    rid_l: np.ndarray
    rid_r: np.ndarray
    labels: dict[str, dict[int, str]]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def evidence_columns(self) -> list[str]:
        return list(self.labels)


def score(
    session: Session,
    table: pa.Table,
    *,
    lower: float,
    engine: str = "duckdb",
    spark: SparkOptions | None = None,
) -> Scored:
    """Score every candidate pair (blocking rules in ``model``) with the session's model."""
    labels = internals.level_labels(session.linker)
    if table.num_rows < 2:
        empty = pd.DataFrame(
            columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
            + [f"{p}_{n}" for n in labels for p in ("gamma", "mw")]
        )
        none = np.array([], dtype="int64")
        return Scored(with_evidence(empty, labels), none, none, labels)
    keep = ["unique_id_l", "unique_id_r", "rid_l", "rid_r", "match_probability", "match_weight"]
    keep += [f"{p}_{name}" for name in labels for p in ("gamma", "mw")]
    keep += [f"mw_tf_adj_{name}" for name in labels if model.has_tf(name)]
    timings: dict[str, float] = {}
    if engine == "spark":
        scored_arrow, timings = spark_engine.predict(
            table,
            session.linker.misc.save_model_to_json(),
            lower=lower,
            columns=keep,
            options=spark or SparkOptions(),
        )
        session.con.register("scored_on_spark", scored_arrow)
        scored_table = "scored_on_spark"
    else:
        scored = session.linker.inference.predict(
            threshold_match_probability=lower, warning_mode="never"
        )
        scored_table = scored.physical_name
    # A fixed order (engines return pairs in any order), so ties are broken alike.
    raw = session.con.sql(
        f"SELECT {', '.join(keep)} FROM {scored_table}"  # noqa: S608 - our table names
        " ORDER BY unique_id_l, unique_id_r"
    ).df()
    return Scored(
        with_evidence(raw, labels),
        raw["rid_l"].astype("int64").to_numpy(),
        raw["rid_r"].astype("int64").to_numpy(),
        labels,
        timings,
    )


def with_evidence(raw: pd.DataFrame, labels: dict[str, dict[int, str]]) -> pd.DataFrame:
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
