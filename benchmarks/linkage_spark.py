"""DuckDB against Spark (local mode) on the same synthetic records: time, and the same people?

    .venv/bin/python benchmarks/linkage_spark.py --people 120000 [--master local[2]]

Generates a ``familycontext synth`` population, links it with ``engine="duckdb"`` and then
``engine="spark"`` (training in DuckDB both times, docs/scale.md), and prints each engine's
stage times and whether the people are identical. Spark's first run in a process includes
starting the JVM and compiling the model's SQL.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familycontext.settings")

from tests.linkage.synthetic import read_synth  # noqa: E402

from familycontext.linkage.engine import LinkageResult, link_frame  # noqa: E402
from familycontext.linkage.spark_engine import SparkOptions  # noqa: E402
from familycontext.synth.generator import generate  # noqa: E402


def _people(result: LinkageResult) -> set[frozenset[str]]:
    return {frozenset(ids) for _, ids in result.clusters.groupby("cluster_id")["unique_id"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=120_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument("--shuffle-partitions", type=int, default=16)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        generate(args.people, args.seed, folder)
        records, _truth = read_synth(folder)
    print(f"{len(records):,} records from {args.people:,} synthetic people", flush=True)

    started = time.perf_counter()
    duck = link_frame(records)
    print(f"duckdb: {time.perf_counter() - started:.1f} s {duck.figures['seconds']}", flush=True)

    options = SparkOptions(
        master=args.master,
        driver_memory=args.driver_memory,
        shuffle_partitions=args.shuffle_partitions,
    )
    started = time.perf_counter()
    spark = link_frame(records, engine="spark", spark=options)
    print(f"spark:  {time.perf_counter() - started:.1f} s {spark.figures['seconds']}", flush=True)

    same = _people(duck) == _people(spark)
    print(f"people: duckdb {duck.figures['people_out']:,}, spark {spark.figures['people_out']:,}")
    print(f"identical people: {same}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
