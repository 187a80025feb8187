"""The quarantine helpers the data manager's page calls, and a CSV export safe to open in Excel."""

from __future__ import annotations

import csv
import io

import pytest

from familycontext.sources.loader import load_bundle
from familycontext.sources.models import Load, QuarantinedRow
from familycontext.sources.quarantine import (
    quarantine_csv,
    quarantine_csv_bytes,
    quarantine_rows,
    quarantine_summary,
    safe_cell,
)
from tests.sources.bundles import person, write_bundle

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", " =1"])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value):
    assert safe_cell(value).startswith("'")


@pytest.mark.parametrize("value", ["Amira", "12 Mill Lane", "", "2015-03-04", "O'Neill"])
def test_ordinary_cells_are_unchanged(value):
    assert safe_cell(value) == value


def test_export_lists_every_quarantined_row_with_its_values_and_no_live_formula(tmp_path):
    rows = [person(f"C{i}") for i in range(60)]
    rows[1]["date_of_birth"] = "=HYPERLINK(\"http://x\")"
    rows[2]["date_of_birth"] = "+44 not a date"  # a formula-looking value; a plain bad date is blanked now
    load = load_bundle(write_bundle(tmp_path / "cms", "cms", {"people": rows}))
    assert load.outcome == Load.Outcome.LOADED
    assert [r.row_number for r in quarantine_rows(load)] == [3, 4]
    assert quarantine_summary(load) == [{"file": "people.csv", "column": "date_of_birth", "rows": 2}]
    text = quarantine_csv(load)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [p["row"] for p in parsed] == ["3", "4"]
    assert parsed[0]["date_of_birth"].startswith("'=HYPERLINK") and parsed[1]["date_of_birth"] == "'+44 not a date"
    assert parsed[0]["record_id"] == "C1"
    for line in parsed:
        assert not any(v.startswith(("=", "+", "-", "@")) for v in line.values())
    assert quarantine_csv_bytes(load).startswith(b"\xef\xbb\xbf")


def test_export_of_a_load_without_quarantine_is_just_a_header(tmp_path):
    load = load_bundle(write_bundle(tmp_path / "cms", "cms", {"people": [person("C1")]}))
    assert quarantine_csv(load).strip() == "file,row,column,reason"
    assert not QuarantinedRow.objects.exists()
