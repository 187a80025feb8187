"""``familycontext link-records IN.csv --out OUT.csv``: link any file in the standard layout.

For councils trying the model on their own extract before loading anything: no database, the
model is trained on the file itself. Output is ``record_id,person_id`` when record ids are
unique across the file, else ``source,record_id,person_id`` (record ids are only unique within
a source, and a person id next to an ambiguous record id would be useless).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from familycontext.config import current as current_configuration
from familycontext.exports import csv_files
from familycontext.linkage.engine import link_frame
from familycontext.linkage.spark_engine import SparkOptions, SparkUnavailable
from familycontext.linkage.stable_ids import format_person_id
from familycontext.linkage.standardise import STANDARD_COLUMNS, LayoutError, check_layout


def read_standard_csv(path: Path) -> pd.DataFrame:
    """Read every column as text; a file without a ``source`` column is one source, "file"."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
        ) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CommandError(f"{path}: not a readable CSV file: {exc}") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "source" not in frame.columns:
        frame.insert(0, "source", "file")
    try:
        check_layout(frame, where=str(path))
    except LayoutError as exc:
        raise CommandError(str(exc)) from exc
    return frame


DECISION_WORDS = {"same": True, "different": False}


def read_decisions(path: Path) -> list[tuple[str, str, bool]]:
    """``unique_id_l,unique_id_r,decision`` (same|different), ids as in ``--review``'s output."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CommandError(f"{path}: not a readable UTF-8 CSV file: {exc}") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("unique_id_l", "unique_id_r", "decision") if c not in frame.columns]
    if missing:
        raise CommandError(
            f"{path}: missing column(s) {', '.join(missing)}; expected unique_id_l,unique_id_r,decision"
        )
    out = []
    for number, (left, right, word) in enumerate(
        zip(frame["unique_id_l"], frame["unique_id_r"], frame["decision"], strict=True), start=2
    ):
        decision = DECISION_WORDS.get(word.strip().lower())
        if decision is None:
            raise CommandError(
                f"{path}, row {number}, column decision: {word!r} is not 'same' or 'different'"
            )
        if not left.strip() or not right.strip():
            raise CommandError(f"{path}, row {number}: both record ids are needed")
        out.append((left.strip(), right.strip(), decision))
    return out


class Command(BaseCommand):
    help = (
        "Link the person records in a CSV file (standard layout) and write each record's person id."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "input", type=Path, help=f"CSV with columns {', '.join(STANDARD_COLUMNS)}"
        )
        parser.add_argument(
            "--out", type=Path, required=True, help="where to write record_id,person_id"
        )
        parser.add_argument(
            "--review",
            type=Path,
            help="also write the pairs for review here (unique_id_l, unique_id_r, match_probability,"
            " reason: band, or the check that kept a pair scored as a link apart)",
        )
        parser.add_argument(
            "--decisions",
            type=Path,
            help="a data manager's decisions: unique_id_l,unique_id_r,decision (same|different);"
            " always obeyed, and counted per reason to learn this file's policy",
        )
        parser.add_argument("--upper", type=float, help="link threshold (default: configuration)")
        parser.add_argument("--lower", type=float, help="review threshold (default: configuration)")
        parser.add_argument(
            "--engine",
            choices=["duckdb", "spark"],
            help="score pairs in DuckDB or on Apache Spark (default: configuration)",
        )

    def handle(self, *args: object, **options: object) -> None:
        settings = current_configuration().linkage
        upper = options["upper"] if options["upper"] is not None else settings.upper_threshold
        lower = options["lower"] if options["lower"] is not None else settings.lower_threshold
        if not 0 <= lower <= upper <= 1:  # type: ignore[operator]
            raise CommandError("--lower and --upper must satisfy 0 <= lower <= upper <= 1")
        frame = read_standard_csv(options["input"])  # type: ignore[arg-type]
        decisions = read_decisions(options["decisions"]) if options["decisions"] else []  # type: ignore[arg-type]
        verbosity = int(options.get("verbosity", 1))  # type: ignore[arg-type]
        try:
            result = link_frame(
                frame,
                upper=float(upper),  # type: ignore[arg-type]
                lower=float(lower),  # type: ignore[arg-type]
                decisions=decisions,
                progress=(lambda m: self.stderr.write(m)) if verbosity > 1 else None,
                engine=options["engine"] or settings.engine,  # type: ignore[arg-type]
                spark=SparkOptions.from_config(settings),
            )
        except SparkUnavailable as exc:
            raise CommandError(str(exc)) from exc
        blanked = result.figures["dates_of_birth_blanked"]
        if blanked:
            first = ", ".join(
                f"row {b['row']} {b['value']!r}"
                for b in result.figures["dates_of_birth_blanked_first_rows"]
            )
            self.stderr.write(
                f"Warning: {options['input']}: {blanked} impossible date(s) of birth blanked for"
                f" linkage (not dates as YYYY-MM-DD; first: {first})"
            )
        clusters = result.clusters
        numbers = {
            c: format_person_id(i)
            for i, c in enumerate(sorted(clusters["cluster_id"].unique()), start=1)
        }
        out = clusters[["source", "record_id"]].copy()
        out["person_id"] = clusters["cluster_id"].map(numbers)
        if not out["record_id"].duplicated().any():
            out = out.drop(columns=["source"])
        out_path: Path = options["out"]  # type: ignore[assignment]
        try:
            csv_files.write_frame(out, out_path)
            if options["review"]:
                review = result.review[
                    ["unique_id_l", "unique_id_r", "match_probability", "reason"]
                ]
                csv_files.write_frame(review, options["review"])  # type: ignore[arg-type]
        except OSError as exc:
            raise CommandError(f"cannot write output: {exc}") from exc
        figures = result.figures
        learnt = figures["policy"]
        if learnt["rules_switched_off"] or learnt["link_threshold_moved_to"] is not None:
            self.stdout.write(
                "Policy learnt from the decisions: "
                + "; ".join(
                    [f"{r} switched off" for r in learnt["rules_switched_off"]]
                    + (
                        [f"link threshold moved to {learnt['link_threshold_moved_to']}"]
                        if learnt["link_threshold_moved_to"] is not None
                        else []
                    )
                )
                + f" (decisions by reason: {learnt['decisions_by_reason']})"
            )
        self.stdout.write(
            f"{figures['records_in']} records -> {figures['people_out']} people; "
            f"{figures['links_made']} links; {figures['pairs_for_review']} pairs for review. Wrote {out_path}"
        )
