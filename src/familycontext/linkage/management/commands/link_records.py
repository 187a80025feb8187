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
            "--review", type=Path, help="also write the pairs for review (between thresholds) here"
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
        verbosity = int(options.get("verbosity", 1))  # type: ignore[arg-type]
        try:
            result = link_frame(
                frame,
                upper=float(upper),  # type: ignore[arg-type]
                lower=float(lower),  # type: ignore[arg-type]
                progress=(lambda m: self.stderr.write(m)) if verbosity > 1 else None,
                engine=options["engine"] or settings.engine,  # type: ignore[arg-type]
                spark=SparkOptions.from_config(settings),
            )
        except SparkUnavailable as exc:
            raise CommandError(str(exc)) from exc
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
            out.to_csv(out_path, index=False)
            if options["review"]:
                review = result.review[["unique_id_l", "unique_id_r", "match_probability"]]
                review.to_csv(options["review"], index=False)  # type: ignore[arg-type]
        except OSError as exc:
            raise CommandError(f"cannot write output: {exc}") from exc
        figures = result.figures
        self.stdout.write(
            f"{figures['records_in']} records -> {figures['people_out']} people; "
            f"{figures['links_made']} links; {figures['pairs_for_review']} pairs for review. Wrote {out_path}"
        )
