"""Standardisation: the per-record normalisations the model relies on."""

from __future__ import annotations

import pandas as pd
import pytest

from familycontext.linkage.standardise import (
    LayoutError,
    check_layout,
    name_variants,
    nhs_number_if_valid,
    normalise_name,
    standardise,
)


def _frame(**overrides: str) -> pd.DataFrame:
    row = {
        "source": "school",
        "record_id": "1",
        "first_name": "Zoë",
        "last_name": "O'Brien-Smith",
        "date_of_birth": "2012-03-04",
        "gender": "F",
        "postcode": "sk41aa",
        "address": "12 High Rd, Stockport SK4 1AA",
    }
    return pd.DataFrame([row | overrides])


def test_names_lose_case_diacritics_apostrophes_and_hyphen_differences() -> None:
    assert (
        normalise_name("Zoë O'Brien-Smith")
        == normalise_name("ZOE OBRIEN SMITH")
        == "zoe obrien smith"
    )
    assert normalise_name("  ") is None


@pytest.mark.parametrize(
    ("nick", "full"), [("Bill", "William"), ("Peggy", "Margaret"), ("Liz", "Elizabeth")]
)
def test_nickname_and_full_form_share_a_variant(nick: str, full: str) -> None:
    assert set(name_variants(normalise_name(nick))) & set(name_variants(normalise_name(full)))


def test_unrelated_names_share_no_variant() -> None:
    assert not set(name_variants("william")) & set(name_variants("margaret"))


@pytest.mark.parametrize("written", ["SK4 1AA", "sk41aa", "Sk4  1aa", " SK4-1AA "])
def test_postcodes_in_any_format_become_one_form_with_outward_code(written: str) -> None:
    row = standardise(_frame(postcode=written)).iloc[0]
    assert (
        row["postcode"],
        row["postcode_sector"],
        row["postcode_outward"],
        row["postcode_area"],
    ) == (
        "SK4 1AA",
        "SK4 1",
        "SK4",
        "SK",
    )


def test_nhs_number_kept_only_with_valid_check_digit() -> None:
    assert nhs_number_if_valid("943 476 5919") == "9434765919"
    assert nhs_number_if_valid("9434765918") is None
    assert nhs_number_if_valid("1111111111") is None
    assert nhs_number_if_valid("") is None


def test_record_becomes_splink_input_with_unique_id_from_source_and_record_id() -> None:
    row = standardise(_frame(other_names="Zoe Jones; Smith", nhs_number="9434765919")).iloc[0]
    assert row["unique_id"] == "school:1"
    assert (row["dob_year"], row["dob_month"], row["dob_day"]) == (2012, 3, 4)
    assert list(row["last_name_parts"]) == ["obrien", "smith"]
    assert row["gender"] == "female"
    assert row["house_number"] == "12"
    assert "road" in row["address_tokens"] and "sk4" not in row["address_tokens"]
    assert "jones" in row["other_names"]
    assert row["nhs_number"] == "9434765919"


def test_blank_fields_become_nulls_not_disagreements() -> None:
    row = standardise(_frame(first_name="", date_of_birth="", postcode="", gender="Unknown")).iloc[
        0
    ]
    assert row["first_name"] is None and row["dob"] is None and row["gender"] is None
    assert pd.isna(row["postcode"])


def test_layout_errors_name_row_and_column() -> None:
    bad = pd.concat(
        [_frame(), _frame(record_id="1"), _frame(record_id="2", date_of_birth="04/03/2012")],
        ignore_index=True,
    )
    with pytest.raises(LayoutError) as caught:
        check_layout(bad, where="in.csv")
    message = str(caught.value)
    assert "in.csv, row 3, column record_id" in message
    # one unreadable date never refuses a file: it is blanked and counted (impossible_dates), not listed
    assert "date_of_birth" not in message


def test_missing_column_is_named() -> None:
    with pytest.raises(LayoutError, match="missing column.*postcode"):
        check_layout(_frame().drop(columns=["postcode"]))
