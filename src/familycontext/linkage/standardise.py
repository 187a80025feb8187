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

import jellyfish
import pandas as pd
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
    text = " ".join(text.split())
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


def _address_tokens(address: pd.Series, postcode: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = address.fillna("").str.lower()
    text = text.str.replace(r"[^a-z0-9 ]", " ", regex=True)
    words = text.str.split()
    compact_pc = postcode.fillna("").str.lower().str.replace(" ", "", regex=False)

    def clean(tokens: list[str], pc: str) -> list[str] | None:
        kept = [_ADDRESS_WORDS.get(t, t) for t in tokens]
        if pc and len(kept) >= 2 and kept[-2] + kept[-1] == pc:  # postcode typed into the address
            kept = kept[:-2]
        elif pc and kept and kept[-1] == pc:
            kept = kept[:-1]
        unique = list(dict.fromkeys(kept))
        return unique or None

    tokens = pd.Series(
        [clean(t, pc) for t, pc in zip(words, compact_pc, strict=True)], index=address.index
    )
    house = tokens.map(
        lambda ts: next((t for t in ts if _HOUSE_NUMBER.match(t)), None) if ts else None
    )
    return tokens, house


def _names_list(values: Iterable[object]) -> list[list[str] | None]:
    out: list[list[str] | None] = []
    for value in values:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
            out.append(None)
            continue
        names = []
        for part in re.split(r"[;,|]", str(value)):
            norm = normalise_name(part)
            if norm:
                names.append(norm)
                names.extend(t for t in norm.split(" ") if len(t) > 1)
        out.append(sorted(set(names)) or None)
    return out


def standardise(df: pd.DataFrame) -> pd.DataFrame:
    """The Splink input frame: one row per record, ``unique_id`` = source + ":" + record_id.

    Blank values become nulls, which Splink treats as "no evidence" rather than disagreement.
    """
    check_layout(df)
    df = df.reset_index(drop=True)
    out = pd.DataFrame(index=df.index)
    source = _blank_to_none(df["source"])
    record_id = _blank_to_none(df["record_id"])
    out["unique_id"] = source + UNIQUE_ID_SEPARATOR + record_id
    out["source"] = source
    out["record_id"] = record_id

    for field in ("first_name", "last_name"):
        raw = _blank_to_none(df[field])
        distinct = {v: normalise_name(v) for v in raw.dropna().unique()}
        norm = raw.map(distinct).astype("object").where(raw.notna(), None)
        out[field] = norm
        phon = {v: _phonetic(v) for v in norm.dropna().unique()}
        out[f"{field}_metaphone"] = norm.map(lambda v, phon=phon: phon[v][0] if v else None)
        out[f"{field}_soundex"] = norm.map(lambda v, phon=phon: phon[v][1] if v else None)
    out["first_name_variants"] = out["first_name"].map(
        lambda v: list(name_variants(v)) if v else None
    )
    out["last_name_parts"] = out["last_name"].map(lambda v: v.split(" ") if v else None)

    other = df["other_names"] if "other_names" in df.columns else pd.Series([None] * len(df))
    out["other_names"] = _names_list(other)

    dob_text = _blank_to_none(df["date_of_birth"])
    dob = pd.to_datetime(dob_text, format="%Y-%m-%d", errors="coerce")
    out["dob"] = dob.dt.strftime("%Y-%m-%d").astype("object").where(dob.notna(), None)
    out["dob_year"] = dob.dt.year.astype("Int64")
    out["dob_month"] = dob.dt.month.astype("Int64")
    out["dob_day"] = dob.dt.day.astype("Int64")

    gender = _blank_to_none(df["gender"]).str.lower().map(_GENDERS)
    out["gender"] = gender.astype("object").where(gender.notna(), None)

    compact = _blank_to_none(df["postcode"]).str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    parts = {v: _split_postcode(v) for v in compact.dropna().unique()}
    for i, name in enumerate(("postcode", "postcode_sector", "postcode_outward", "postcode_area")):
        out[name] = compact.map(lambda v, i=i: parts[v][i] if isinstance(v, str) and v else None)

    tokens, house = _address_tokens(_blank_to_none(df["address"]), compact)
    out["address_tokens"] = tokens
    out["house_number"] = house

    nhs = df["nhs_number"] if "nhs_number" in df.columns else pd.Series([None] * len(df))
    out["nhs_number"] = [nhs_number_if_valid(v) for v in nhs]
    return out
