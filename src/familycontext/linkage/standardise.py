"""Turn person records in the standard layout into the columns the linkage model compares.

Sources spell the same person differently: case, accents, hyphens, nicknames, postcodes with
or without the space. Splink compares columns with SQL, so every normalisation that does not
depend on the *other* record is done once here, per record, and the model stays simple.

Name-level work (nicknames, phonetics) is done once per distinct value, not per row: a council's
million records hold only tens of thousands of distinct names, which keeps this step fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import duckdb
import pandas as pd
import pyarrow as pa

from familycontext.identity import addresses, names, nhs, postcodes

STANDARD_COLUMNS = [
    "source",
    "record_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "postcode",
    "address",
]
OPTIONAL_COLUMNS = ["other_names", "nhs_number"]
UNIQUE_ID_SEPARATOR = ":"

_GENDERS = {"f": "female", "female": "female", "m": "male", "male": "male", "other": "other"}


class LayoutError(ValueError):
    """The input is not in the standard person-record layout; the message names row and column."""


def normalise_name(value: object) -> str | None:
    """The name as linkage compares it (``identity.names.plain``): "Zoë O'Brien-Smith" and
    "zoe obrien smith" are the same string, "Strauß" is "strauss"."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return names.plain(str(value))


@lru_cache(maxsize=200_000)
def name_variants(name: str) -> tuple[str, ...]:
    """The first word with its nicknames and the names it is a nickname of (Bill ~ William)."""
    return tuple(sorted(names.nickname_variants(name.split(" ")[0])))


@lru_cache(maxsize=200_000)
def name_forms(name: str) -> tuple[str, ...]:
    """The first word and the full forms it is a nickname of (Bill -> bill, william).

    Two names that share a form are one a nickname of the other (Peggy ~ Margaret) or two
    nicknames of one full name (Bill ~ Will); the model also accepts a name found among the
    other's ``name_variants`` (``identity.names.nickname_variants``).
    """
    return tuple(sorted(names.nickname_forms(name.split(" ")[0])))


def _phonetic(name: str) -> tuple[str | None, str | None]:
    joined = name.replace(" ", "")
    return names.metaphone(joined) or None, names.soundex(joined) or None


nhs_number_if_valid = nhs.valid  # the one rule: identity.nhs


def _blank_to_none(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    return text.mask(text == "", pd.NA)


def impossible_dates(df: pd.DataFrame) -> pd.Series:
    """Which rows' date of birth is given but is no date as YYYY-MM-DD (1906-02-29, 1938-11-31,
    OCR letters): linkage blanks them and counts them rather than refusing the file."""
    dob = _blank_to_none(df["date_of_birth"])
    parsed = pd.to_datetime(dob, format="%Y-%m-%d", errors="coerce")
    return (dob.notna() & parsed.isna()).astype(bool)


def check_layout(df: pd.DataFrame, *, where: str = "input") -> None:
    """Raise LayoutError naming row and column for anything the linkage cannot read.

    Rows are numbered as in a CSV file with a header (first data row = 2). One bad value never
    refuses the file: impossible dates of birth are blanked (``impossible_dates``).
    """
    missing = [c for c in STANDARD_COLUMNS if c not in df.columns]
    if missing:
        raise LayoutError(
            f"{where}: missing column(s) {', '.join(missing)}; expected {', '.join(STANDARD_COLUMNS)}"
        )
    problems: list[str] = []
    source = _blank_to_none(df["source"])
    record_id = _blank_to_none(df["record_id"])
    for column, series in (("source", source), ("record_id", record_id)):
        for idx in series[series.isna()].index[:5]:
            problems.append(f"{where}, row {int(idx) + 2}, column {column}: must not be blank")
    seps = source.fillna("").str.contains(UNIQUE_ID_SEPARATOR, regex=False)
    for idx in seps[seps].index[:5]:
        problems.append(
            f"{where}, row {int(idx) + 2}, column source: must not contain '{UNIQUE_ID_SEPARATOR}'"
        )
    keys = source.fillna("") + UNIQUE_ID_SEPARATOR + record_id.fillna("")
    dupes = keys.duplicated() & record_id.notna()
    for idx in dupes[dupes].index[:5]:
        problems.append(
            f"{where}, row {int(idx) + 2}, column record_id: {record_id[idx]!r} appears twice for source {source[idx]!r}"
        )
    if problems:
        more = "" if len(problems) < 5 else "\n(only the first problems of each kind are listed)"
        raise LayoutError("\n".join(problems) + more)


def _other_names(value: str) -> list[str] | None:
    """Aliases and former names, each whole and as its parts ("Zoe Jones" -> zoe jones, zoe, jones)."""
    found: set[str] = set()
    for part in re.split(r"[;,|]", value):
        norm = normalise_name(part)
        if norm:
            found.add(norm)
            found.update(t for t in norm.split(" ") if len(t) > 1)
    return sorted(found) or None


def _name_table(values: Iterable[object], *, variants: bool) -> pa.Table:
    """One row per distinct raw name: normalised form, metaphone, soundex (and nickname variants).

    Names repeat: a million records hold tens of thousands of distinct names, so the Python work
    (nicknames, phonetics) is done once per name and joined back in SQL.
    """
    raw, norm, meta, sound, var, forms = [], [], [], [], [], []
    for value in values:
        n = normalise_name(value)
        raw.append(value)
        norm.append(n)
        m, s = _phonetic(n) if n else (None, None)
        meta.append(m)
        sound.append(s)
        var.append(list(name_variants(n)) if (n and variants) else None)
        forms.append(list(name_forms(n)) if (n and variants) else None)
    columns = {"raw": raw, "norm": norm, "metaphone": meta, "soundex": sound}
    if variants:
        columns["variants"] = pa.array(var, type=pa.list_(pa.string()))
        columns["forms"] = pa.array(forms, type=pa.list_(pa.string()))
    return pa.table(columns)


_POSTCODE = postcodes.sql_parts("postcode")
_ADDRESS_KEPT = addresses.sql_without_postcode("expanded", "postcode_compact")

_SQL = f"""
WITH base AS (
    SELECT
        row_number() OVER () - 1 AS rid,
        nullif(trim(source), '') AS source,
        nullif(trim(record_id), '') AS record_id,
        nullif(trim(first_name), '') AS first_raw,
        nullif(trim(last_name), '') AS last_raw,
        nullif(trim(other_names), '') AS other_raw,
        try_strptime(nullif(trim(date_of_birth), ''), '%Y-%m-%d')::DATE AS dob_date,
        lower(trim(gender)) AS gender_raw,
        {_POSTCODE["compact"]} AS postcode_compact,
        {_POSTCODE["standard"]} AS postcode_standard,
        {_POSTCODE["sector"]} AS postcode_sector_,
        {_POSTCODE["outward"]} AS postcode_outward_,
        {_POSTCODE["area"]} AS postcode_area_,
        {addresses.sql_expanded("address")} AS expanded,
        {nhs.sql_valid("nhs_number")} AS nhs_valid
    FROM raw
),
addressed AS (
    SELECT *, {_ADDRESS_KEPT} AS kept FROM base
)
SELECT
    a.source || '{UNIQUE_ID_SEPARATOR}' || a.record_id AS unique_id,
    a.rid,
    a.source,
    a.record_id,
    f.norm AS first_name,
    f.metaphone AS first_name_metaphone,
    f.soundex AS first_name_soundex,
    l.norm AS last_name,
    l.metaphone AS last_name_metaphone,
    l.soundex AS last_name_soundex,
    f.variants AS first_name_variants,
    f.forms AS first_name_forms,
    string_split(f.norm, ' ') AS first_name_parts,
    string_split(l.norm, ' ') AS last_name_parts,
    o.names AS other_names,
    strftime(a.dob_date, '%Y-%m-%d') AS dob,
    year(a.dob_date) AS dob_year,
    month(a.dob_date) AS dob_month,
    day(a.dob_date) AS dob_day,
    CASE a.gender_raw WHEN 'f' THEN 'female' WHEN 'female' THEN 'female' WHEN 'm' THEN 'male'
        WHEN 'male' THEN 'male' WHEN 'other' THEN 'other' END AS gender,
    a.postcode_standard AS postcode,
    a.postcode_sector_ AS postcode_sector,
    a.postcode_outward_ AS postcode_outward,
    a.postcode_area_ AS postcode_area,
    CASE WHEN len(a.kept) > 0 THEN list_distinct(a.kept) END AS address_tokens,
    {addresses.sql_house_number("a.kept")} AS house_number,
    {addresses.sql_key("a.kept")} AS address_key,
    a.nhs_valid AS nhs_number
FROM addressed a
LEFT JOIN first_names f ON f.raw = a.first_raw
LEFT JOIN last_names l ON l.raw = a.last_raw
LEFT JOIN other_name_lists o ON o.raw = a.other_raw
ORDER BY a.rid
"""


def standardise_table(df: pd.DataFrame, *, checked: bool = False) -> pa.Table:
    """The Splink input as an Arrow table (see ``standardise``); row ``rid`` is the input row.

    Row-level work (dates, postcodes, address words, NHS check digits) runs as one DuckDB query;
    name-level work runs once per distinct name. No Python loop over rows.
    """
    if not checked:
        check_layout(df)
    frame = df.reset_index(drop=True)
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame = frame.assign(**{column: None})
    frame = frame[STANDARD_COLUMNS + OPTIONAL_COLUMNS].astype("object")
    con = duckdb.connect()
    try:
        con.register("raw", pa.Table.from_pandas(frame.astype("string"), preserve_index=False))

        def distinct(column: str) -> list[str]:
            return [
                v
                for (v,) in con.execute(
                    f"SELECT DISTINCT nullif(trim({column}), '') FROM raw"  # noqa: S608
                ).fetchall()
                if v is not None
            ]

        con.register("first_names", _name_table(distinct("first_name"), variants=True))
        con.register("last_names", _name_table(distinct("last_name"), variants=False))
        others = distinct("other_names")
        con.register(
            "other_name_lists",
            pa.table(
                {
                    "raw": pa.array(others, type=pa.string()),
                    "names": pa.array([_other_names(v) for v in others], pa.list_(pa.string())),
                }
            ),
        )
        return con.sql(_SQL).to_arrow_table()
    finally:
        con.close()


def standardise(df: pd.DataFrame) -> pd.DataFrame:
    """The Splink input frame: one row per record, ``unique_id`` = source + ":" + record_id.

    Blank values become nulls, which Splink treats as "no evidence" rather than disagreement.
    """
    table = standardise_table(df)
    out = table.to_pandas()
    for column in out.columns:
        if out[column].dtype != "object" and pa.types.is_string(table.schema.field(column).type):
            out[column] = out[column].astype("object")
        if out[column].dtype == "object":
            out[column] = out[column].where(out[column].notna(), None)
    return out
