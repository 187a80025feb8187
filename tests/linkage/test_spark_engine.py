"""Linkage on Apache Spark gives the same people as DuckDB.

The slow tests start one local Spark (local[2], no UI) for the whole module: about 10 s on a
quiet machine, much more on a busy one. They need Java 17+ (scripts/install-system-deps) and
pyspark (the ``spark`` extra, part of ``test``).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from familycontext.config.settings import Linkage
from familycontext.linkage import model, spark_engine
from familycontext.linkage.engine import LinkageResult, link_frame
from familycontext.linkage.spark_engine import SparkOptions, SparkUnavailable
from familycontext.linkage.sql_dialects import DuckDBDialect, SparkDialect, spark_jaro
from familycontext.linkage.standardise import normalise_name
from familycontext.synth.generator import generate
from tests.linkage.synthetic import read_synth

HAND_LABELLED = Path(__file__).with_name("hand_labelled.csv")
LOCAL = SparkOptions(master="local[2]", driver_memory="1g", shuffle_partitions=4)


def _people(result: LinkageResult) -> set[frozenset[str]]:
    return {frozenset(ids) for _, ids in result.clusters.groupby("cluster_id")["unique_id"]}


# --- no Spark needed -------------------------------------------------------------------------


def test_trained_parameters_move_to_spark_unchanged() -> None:
    trained = model.settings().create_settings_dict("duckdb")
    labels = [lv["label_for_charts"] for lv in trained["comparisons"][0]["comparison_levels"]]
    jaro = labels.index("Jaro-Winkler >= 0.92")
    level = trained["comparisons"][0]["comparison_levels"][jaro]
    level |= {"m_probability": 0.123, "u_probability": 0.0045}
    trained["probability_two_random_records_match"] = 1e-4

    spark = model.with_parameters(trained, "spark")

    moved = spark["comparisons"][0]["comparison_levels"][jaro]
    assert (moved["m_probability"], moved["u_probability"]) == (0.123, 0.0045)
    assert spark["probability_two_random_records_match"] == 1e-4
    assert "jaro_similarity" in level["sql_condition"]  # DuckDB's spelling
    assert "aggregate(" in moved["sql_condition"]  # Spark's rebuilt Jaro
    assert "jaro_winkler" not in moved["sql_condition"]  # no JAR function needed
    rules = [r["blocking_rule"] for r in spark["blocking_rules_to_generate_predictions"]]
    assert not any('"' in rule for rule in rules)  # DuckDB quotes names "so"; Spark `so`


def test_a_model_from_other_comparisons_is_refused() -> None:
    trained = model.settings().create_settings_dict("duckdb")
    trained["comparisons"][0]["comparison_levels"].pop()
    with pytest.raises(ValueError, match="levels for first_name differ"):
        model.with_parameters(trained, "spark")


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown linkage engine 'hadoop'"):
        link_frame(pd.DataFrame(), engine="hadoop")


def test_local_master_stays_on_this_machine_and_conf_wins() -> None:
    conf = SparkOptions(master="local[2]", conf={"spark.sql.shuffle.partitions": "2"}).spark_conf()
    assert conf["spark.master"] == "local[2]"
    assert conf["spark.driver.host"] == "127.0.0.1"
    assert conf["spark.ui.enabled"] == "false"
    assert conf["spark.sql.shuffle.partitions"] == "2"

    cluster = SparkOptions(master="spark://head:7077", executor_memory="8g").spark_conf()
    assert "spark.driver.host" not in cluster  # executors must reach the driver
    assert cluster["spark.executor.memory"] == "8g"

    assert "spark.master" not in SparkOptions(master="").spark_conf()  # spark-submit decides


def test_options_come_from_configuration() -> None:
    section = Linkage(
        engine="spark",
        spark_master="spark://head:7077",
        spark_driver_memory="8g",
        spark_conf={"spark.executor.cores": "4"},
    )
    options = SparkOptions.from_config(section)
    assert (options.master, options.driver_memory) == ("spark://head:7077", "8g")
    assert options.spark_conf()["spark.executor.cores"] == "4"
    with pytest.raises(ValueError, match="spark_master"):
        Linkage(spark_master="http://head:7077")
    with pytest.raises(ValueError, match="spark_driver_memory"):
        Linkage(spark_driver_memory="4 GB")


def test_spark_without_pyspark_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(SparkUnavailable, match=r"pip install 'familycontext\[spark\]'"):
        spark_engine.session(LOCAL)


# --- on a local Spark ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Any:
    return spark_engine.session(LOCAL)


def _name_pairs() -> pd.DataFrame:
    rng = random.Random(5)
    cases = pd.read_csv(HAND_LABELLED, dtype=str, keep_default_na=False)
    names = sorted(
        {normalise_name(n) for n in [*cases["first_name"], *cases["last_name"]]} - {None}
        | {"jesse", "jose", "martha", "marhta", "dwayne", "duane", "dixon", "dicksonx", "a", "b"}
    )

    def typo(s: str) -> str:
        i = rng.randrange(max(1, len(s) - 1))
        return rng.choice([s[:i] + s[i + 1 :], s[:i] + s[i + 1 : i + 2] + s[i] + s[i + 2 :]])

    pairs = [(a, b) for a in names for b in names]
    pairs += [(n, typo(n)) for n in names for _ in range(3)] + [("", ""), ("a", ""), (None, "a")]
    dates = [f"{rng.randrange(1950, 2024)}-{rng.randrange(1, 13):02}-{rng.randrange(1, 29):02}"]
    dates += [typo(dates[0]), dates[0][:5] + dates[0][8:] + dates[0][4:8]]
    pairs += [(d, e) for d in dates for e in dates]
    return pd.DataFrame(pairs, columns=["a", "b"]).drop_duplicates()


@pytest.mark.slow
def test_spark_similarity_functions_equal_duckdbs_to_the_last_bit(spark: Any) -> None:
    pairs = _name_pairs()
    duck, sparks = DuckDBDialect(), SparkDialect()
    con = duckdb.connect()
    con.register("p", pa.Table.from_pandas(pairs, preserve_index=False))
    expected = con.sql(
        f"SELECT a, b, jaro_similarity(a, b) AS j, {duck.jaro_winkler('a', 'b')} AS jw,"
        f" {duck.at_most_one_edit('a', 'b')} AS edit FROM p"
    ).df()
    spark.createDataFrame(
        pa.Table.from_pandas(pairs, preserve_index=False)
    ).createOrReplaceTempView("p")
    got = spark.sql(
        f"SELECT a, b, {spark_jaro('a', 'b')} AS j, {sparks.jaro_winkler('a', 'b')} AS jw,"
        f" {sparks.at_most_one_edit('a', 'b')} AS edit FROM p"
    ).toPandas()
    both = expected.merge(got, on=["a", "b"], suffixes=("_duckdb", "_spark"))
    assert len(both) == len(pairs)
    for column in ("j", "jw", "edit"):
        left, right = both[f"{column}_duckdb"], both[f"{column}_spark"]
        differ = both[~((left == right) | (left.isna() & right.isna()))]
        assert differ.empty, differ.head().to_dict("records")
    assert (both["jw_duckdb"] >= 0.92).sum() > 10  # the test looks at both sides of thresholds


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("synth")
    generate(450, seed=11, out=folder)
    synthetic, _truth = read_synth(folder)
    cases = pd.read_csv(HAND_LABELLED, dtype=str, keep_default_na=False)
    return pd.concat([synthetic, cases.drop(columns=["case", "person"])], ignore_index=True)


@pytest.mark.slow
def test_spark_and_duckdb_give_the_same_people(spark: Any, records: pd.DataFrame) -> None:
    on_duckdb = link_frame(records, engine="duckdb")
    on_spark = link_frame(records, engine="spark", spark=LOCAL)

    people = _people(on_duckdb)
    assert sum(len(p) > 1 for p in people) > 30  # a real test: many people with several records
    assert _people(on_spark) == people
    assert on_spark.figures["engine"] == "spark"

    pairs = on_duckdb.predictions.merge(
        on_spark.predictions, on=["unique_id_l", "unique_id_r"], how="outer", indicator=True
    )
    assert (pairs["_merge"] == "both").all()  # the same candidate pairs above the lower threshold
    levels = [c for c in on_duckdb.predictions.columns if c.startswith("level_")]
    for level in levels:
        assert (pairs[f"{level}_x"] == pairs[f"{level}_y"]).all(), level
    assert (pairs["match_probability_x"] - pairs["match_probability_y"]).abs().max() < 1e-9
    assert on_spark.review[["unique_id_l", "unique_id_r"]].equals(
        on_duckdb.review[["unique_id_l", "unique_id_r"]]
    )
