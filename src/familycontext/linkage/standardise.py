"""Turn person records in the standard layout into the columns the linkage model compares.

Sources spell the same person differently: case, accents, hyphens, nicknames, postcodes with
or without the space. Splink compares columns with SQL, so every normalisation that does not
depend on the *other* record is done once here, per record, and the model stays simple.

Name-level work (nicknames, phonetics) is done once per distinct value, not per row: a council's
million records hold only tens of thousands of distinct names, which keeps this step fast.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import duckdb
import jellyfish
import pandas as pd
import pyarrow as pa
from nicknames import NickNamer

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
_NAME_SEPARATORS = re.compile(r"[\s\-_./]+")
_NOT_NAME = re.compile(r"[^a-z ]")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_ADDRESS_WORDS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "ct": "court",
    "cres": "crescent",
    "dr": "drive",
    "gdns": "gardens",
    "gr": "grove",
    "pl": "place",
    "sq": "square",
    "tce": "terrace",
    "flt": "flat",
    "apt": "flat",
}
_GENERATION_SUFFIXES = {"jnr", "jr", "junior", "snr", "sr", "senior"}
_HOUSE_NUMBER = re.compile(r"^\d+[a-z]?$")


class LayoutError(ValueError):
    """The input is not in the standard person-record layout; the message names row and column."""


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def normalise_name(value: object) -> str | None:
    """Lower case, no diacritics or punctuation, hyphens and spaces as single spaces.

    "Zoë O'Brien-Smith" and "zoe obrien smith" become the same string, so a missing or extra
    hyphen or apostrophe is never a disagreement.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("\u2019", "")
    text = _NAME_SEPARATORS.sub(" ", text)
    text = _NOT_NAME.sub("", text)
    words = text.split()
    if len(words) > 1:  # "Doyle Jnr" is Doyle: the suffix is rarely recorded twice alike
        words = [w for w in words if w not in _GENERATION_SUFFIXES] or words
    text = " ".join(words)
    return text or None


@lru_cache(maxsize=200_000)
def name_variants(name: str) -> tuple[str, ...]:
    """The name with its nicknames and the names it is a nickname of (Bill ~ William).

    Taken from the ``nicknames`` dataset so the list is maintained by others, not typed here.
    Two records whose first names share any variant are "nickname-equivalent".
    """
    first = name.split(" ")[0]
    namer = _nicknamer()
    found = {first} | set(namer.nicknames_of(first)) | set(namer.canonicals_of(first))
    return tuple(sorted(found))


@lru_cache(maxsize=200_000)
def name_forms(name: str) -> tuple[str, ...]:
    """The name and the full forms it is a nickname of (Bill -> bill, william).

    Two names that share a form are one a nickname of the other (Peggy ~ Margaret) or two
    nicknames of one full name (Bill ~ Will); the dataset lists some pairs only one way (Katie
    under Catherine, not Catherine under Katie), so the model also accepts a name found among
    the other's ``name_variants``. Sharing only a *nickname* is not enough:
    Carolyn and Lyndon are both "Lynn", Alexander and Alexandra both "Alex", and neither
    pair is one name.
    """
    first = name.split(" ")[0]
    return tuple(sorted({first} | set(_nicknamer().canonicals_of(first))))


@lru_cache(maxsize=200_000)
def _phonetic(name: str) -> tuple[str | None, str | None]:
    joined = name.replace(" ", "")
    if not joined:
        return None, None
    return jellyfish.metaphone(joined) or None, jellyfish.soundex(joined) or None


def nhs_number_if_valid(value: object) -> str | None:
    """The 10-digit NHS number when its modulus-11 check digit is right, else None.

    An invalid number is a typing error; comparing it would add false evidence either way.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    digits = re.sub(r"\D", "", str(value))
    if len(digits) != 10 or len(set(digits)) == 1:
        return None
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        return None
    return digits


def _split_postcode(compact: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """Full (with its single space), sector, outward code and area of a UK postcode."""
    if not compact:
        return None, None, None, None
    match = _POSTCODE.match(compact)
    if not match:
        return compact, None, None, None
    outward, inward = match.groups()
    area = re.match(r"[A-Z]+", outward).group(0)  # type: ignore[union-attr]
    return f"{outward} {inward}", f"{outward} {inward[0]}", outward, area


def _blank_to_none(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    return text.mask(text == "", pd.NA)


def check_layout(df: pd.DataFrame, *, where: str = "input") -> None:
    """Raise LayoutError naming row and column for anything the linkage cannot read.

    Rows are numbered as in a CSV file with a header (first data row = 2).
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
    dob = _blank_to_none(df["date_of_birth"])
    parsed = pd.to_datetime(dob, format="%Y-%m-%d", errors="coerce")
    bad = dob.notna() & parsed.isna()
    for idx in bad[bad].index[:5]:
        problems.append(
            f"{where}, row {int(idx) + 2}, column date_of_birth: {dob[idx]!r} is not a date as YYYY-MM-DD"
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
    names: set[str] = set()
    for part in re.split(r"[;,|]", value):
        norm = normalise_name(part)
        if norm:
            names.add(norm)
            names.update(t for t in norm.split(" ") if len(t) > 1)
    return sorted(names) or None


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


_ABBREVIATION_SQL = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _ADDRESS_WORDS.items())

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
        nullif(upper(regexp_replace(coalesce(postcode, ''), '[^A-Za-z0-9]', '', 'g')), '')
            AS postcode_compact,
        list_filter(
            string_split(regexp_replace(lower(coalesce(address, '')), '[^a-z0-9 ]', ' ', 'g'), ' '),
            lambda t: t <> ''
        ) AS words,
        regexp_replace(coalesce(nhs_number, ''), '[^0-9]', '', 'g') AS nhs_digits
    FROM raw
),
shaped AS (
    SELECT *,
        list_transform(words, lambda t: CASE t {_ABBREVIATION_SQL} ELSE t END) AS expanded,
        lower(postcode_compact) AS pc_lower,
        regexp_extract(postcode_compact, '{_POSTCODE.pattern}', 1) AS outward,
        regexp_extract(postcode_compact, '{_POSTCODE.pattern}', 2) AS inward
    FROM base
),
addressed AS (
    SELECT *,
        CASE
            WHEN pc_lower IS NOT NULL AND len(expanded) >= 2
                 AND expanded[-2] || expanded[-1] = pc_lower THEN expanded[:-3]
            WHEN pc_lower IS NOT NULL AND len(expanded) >= 1 AND expanded[-1] = pc_lower
                THEN expanded[:-2]
            ELSE expanded
        END AS kept
    FROM shaped
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
    CASE WHEN a.outward <> '' THEN a.outward || ' ' || a.inward ELSE a.postcode_compact END
        AS postcode,
    CASE WHEN a.outward <> '' THEN a.outward || ' ' || a.inward[1] END AS postcode_sector,
    nullif(a.outward, '') AS postcode_outward,
    nullif(regexp_extract(a.outward, '^[A-Z]+'), '') AS postcode_area,
    CASE WHEN len(a.kept) > 0 THEN list_distinct(a.kept) END AS address_tokens,
    list_filter(a.kept, lambda t: regexp_full_match(t, '{_HOUSE_NUMBER.pattern[1:-1]}'))[1]
        AS house_number,
    list_filter(a.kept, lambda t: regexp_full_match(t, '{_HOUSE_NUMBER.pattern[1:-1]}'))[1]
        || ' ' || list_filter(a.kept, lambda t: regexp_full_match(t, '[a-z]{{3,}}')
                              AND t NOT IN ('flat', 'apartment', 'house', 'unit'))[1]
        AS address_key,
    CASE WHEN length(a.nhs_digits) = 10
              AND a.nhs_digits <> repeat(a.nhs_digits[1], 10)
              AND (11 - list_sum(list_transform(range(9),
                       lambda i: (ascii(a.nhs_digits[i + 1]) - 48) * (10 - i))) % 11) % 11
                  = ascii(a.nhs_digits[10]) - 48
         THEN a.nhs_digits END AS nhs_number
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
