"""Linkage accuracy and speed on synthetic data with known truth (not part of the test suite).

    .venv/bin/python benchmarks/linkage_accuracy.py --people 200000 --seed 1 [--data DIR]

Generates a synthetic local authority with ``familycontext synth`` (or reuses --data), links
all person records, and reports pairwise precision / recall / F1 of the people formed against
truth.csv at the configured thresholds and across upper thresholds, plus time and peak memory.
"Records" are source person records (one per record id per source, within-source duplicates
included); ~1.2M synthetic people give ~1M records. If DIR holds records.parquet and
truth.parquet (read_synth's output saved), those are read instead of the CSVs.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familycontext.settings")

import django  # noqa: E402
import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

django.setup()

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from tests.linkage.messy import pairwise_scores  # noqa: E402
from tests.linkage.synthetic import read_synth  # noqa: E402

from familycontext.linkage.clustering import cluster  # noqa: E402
from familycontext.linkage.engine import form_people, link_frame  # noqa: E402
from familycontext.linkage.standardise import standardise_table  # noqa: E402
from familycontext.synth.generator import generate  # noqa: E402


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="existing synth output folder")
    parser.add_argument(
        "--lower", type=float, default=0.5, help="keep pairs from here for the threshold sweep"
    )
    args = parser.parse_args()
    console = Console()

    folder = args.data or Path(tempfile.mkdtemp(prefix="fc-linkage-bench-"))
    if not args.data:
        started = time.perf_counter()
        generate(args.people, args.seed, folder)
        console.log(
            f"generated {args.people:,} people in {time.perf_counter() - started:.1f}s into {folder}"
        )
    cached = folder / "records.parquet"
    if cached.exists():  # a copy of read_synth's output, to skip re-reading the CSVs
        records = pd.read_parquet(cached)
        truth = pd.read_parquet(folder / "truth.parquet")
    else:
        records, truth = read_synth(folder)
    console.log(f"{len(records):,} person records; peak memory so far {peak_rss_gb():.2f} GB")

    rss_before = peak_rss_gb()
    started = time.perf_counter()
    result = link_frame(records, lower=args.lower, progress=console.log)
    seconds = time.perf_counter() - started
    console.log(
        f"linked in {seconds:.1f}s; stages {result.figures['seconds']}; peak RSS {peak_rss_gb():.2f} GB (before linking {rss_before:.2f} GB)"
    )

    table = Table("upper threshold", "precision", "recall", "F1", "links", "people")
    scores = pairwise_scores(result.clusters, truth)
    table.add_row(
        "default (0.99) with identity checks",
        f"{scores['precision']:.5f}",
        f"{scores['recall']:.5f}",
        f"{scores['f1']:.5f}",
        str(result.figures["links_made"]),
        str(result.figures["people_out"]),
    )
    table.add_row("", "", "", "", "", "")
    con = duckdb.connect()
    con.register("records", standardise_table(records))
    ids = result.clusters["unique_id"].tolist()
    uid_row = {u: i for i, u in enumerate(ids)}
    preds = result.predictions
    rid_l = pd.Series([uid_row[u] for u in preds["unique_id_l"]]).to_numpy()
    rid_r = pd.Series([uid_row[u] for u in preds["unique_id_r"]]).to_numpy()
    for upper in (0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999):
        people = form_people(con, "records", ids, preds, rid_l, rid_r, upper)
        clusters = result.clusters.assign(cluster_id=people.label)
        s = pairwise_scores(clusters, truth)
        table.add_row(
            f"{upper} with identity checks",
            f"{s['precision']:.5f}",
            f"{s['recall']:.5f}",
            f"{s['f1']:.5f}",
            str(int(people.linked.sum())),
            str(clusters["cluster_id"].nunique()),
        )
    for upper in (0.9, 0.99, 0.999):
        links = preds[preds["match_probability"] >= upper]
        outcome = cluster(result.clusters["unique_id"], links)
        clusters = result.clusters.assign(
            cluster_id=result.clusters["unique_id"].map(outcome.cluster_of)
        )
        s = pairwise_scores(clusters, truth)
        table.add_row(
            f"{upper} (plain components)",
            f"{s['precision']:.5f}",
            f"{s['recall']:.5f}",
            f"{s['f1']:.5f}",
            str(len(outcome.used_links)),
            str(clusters["cluster_id"].nunique()),
        )
    console.print(table)
    console.print(
        f"pairs for review: {result.figures['pairs_for_review']:,}; source records (person"
        f" records, within-source duplicates included) {len(records):,}; true people"
        f" {truth['person_key'].nunique():,}; total {seconds:.1f}s"
    )


if __name__ == "__main__":
    main()
