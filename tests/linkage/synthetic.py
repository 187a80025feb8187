"""Read a ``familycontext synth`` output folder into the standard person-record layout.

Person-bearing files repeat a record's identity columns once per involvement row; the first row
per record id stands for the record (as the loader does).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

IDENTITY = [
    "record_id",
    "first_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "gender",
    "address",
    "postcode",
    "nhs_number",
]


def read_synth(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records in the standard layout, truth with source, record_id, person_key)."""
    folder = Path(folder)
    frames = []
    for csv in sorted(folder.glob("*/*.csv")):
        header = pd.read_csv(csv, nrows=0).columns
        if "first_name" not in header:
            continue
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False, usecols=IDENTITY)
        frame.insert(0, "source", csv.parent.name)
        frames.append(frame)
    records = pd.concat(frames, ignore_index=True).drop_duplicates(
        ["source", "record_id"], keep="first"
    )
    truth = pd.read_csv(folder / "truth.csv", dtype=str, keep_default_na=False).rename(
        columns={"service": "source"}
    )
    truth = truth.drop_duplicates(["source", "record_id"])
    return records.reset_index(drop=True), truth
