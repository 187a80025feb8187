"""Linkage accuracy and speed on synthetic data with known truth (not part of the test suite).

    .venv/bin/python benchmarks/linkage_accuracy.py --people 200000 --seed 1 [--data DIR]

Generates a synthetic local authority with ``familycontext synth`` (or reuses --data), links
all person records, and reports pairwise precision / recall / F1 of the people formed against
truth.csv at the configured thresholds and across upper thresholds, plus time and peak memory.
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

django.setup()

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from tests.linkage.messy import pairwise_scores  # noqa: E402
from tests.linkage.synthetic import read_synth  # noqa: E402

from familycontext.linkage.clustering import cluster  # noqa: E402
from familycontext.linkage.engine import link_frame  # noqa: E402
from familycontext.synth.generator import generate  # noqa: E402


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="existing synth output folder")
    args = parser.parse_args()
    console = Console()

    folder = args.data or Path(tempfile.mkdtemp(prefix="fc-linkage-bench-"))
    if not args.data:
        started = time.perf_counter()
        generate(args.people, args.seed, folder)
        console.log(
            f"generated {args.people:,} people in {time.perf_counter() - started:.1f}s into {folder}"
        )
    records, truth = read_synth(folder)
    console.log(f"{len(records):,} person records; peak memory so far {peak_rss_gb():.2f} GB")

    rss_before = peak_rss_gb()
    started = time.perf_counter()
    result = link_frame(records, progress=console.log)
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
    for upper in (0.8, 0.9, 0.95, 0.99, 0.999, 0.9999):
        links = result.predictions[result.predictions["match_probability"] >= upper]
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
        f"pairs for review: {result.figures['pairs_for_review']:,}; records {len(records):,}; total {seconds:.1f}s"
    )


if __name__ == "__main__":
    main()
