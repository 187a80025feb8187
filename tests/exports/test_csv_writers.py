"""Issue 17: no CSV the product writes carries a live formula — every writer, hostile cells.

The values are those the attacker used (a formula after a space, a line break, a no-break or an
ideographic space) plus the OWASP starts; each writer is driven through its real entry point.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import timezone

from familycontext.exports.csv_files import dangerous, safe_cell
from familycontext.governance import chain
from familycontext.governance.audit import build_entry
from familycontext.governance.trail import to_csv
from familycontext.linkage.models import LinkageRun, RecordAssignment
from familycontext.sources.models import Load, QuarantinedRow, Source
from familycontext.sources.quarantine import quarantine_csv
from tests.linkage.messy import population

HOSTILE = ["=1+1", " =1+1", "\n=1+1", "\xa0=1+1", "\u3000=1+1", "+44 161 496 0000", "-2+3", "@SUM(A1)",
           "\t=1", "\r=1", "  @x"]
ORDINARY = ["Smith", "O'Brien", "1+1", "a=b", "", "24 Lauren Rise"]


def _live_formulas(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row if dangerous(cell)]


@pytest.mark.parametrize("value", HOSTILE)
def test_every_formula_start_is_neutralised(value):
    assert safe_cell(value) == "'" + value and not dangerous(safe_cell(value))


@pytest.mark.parametrize("value", ORDINARY)
def test_ordinary_cells_are_left_alone(value):
    assert safe_cell(value) == value


@pytest.mark.django_db
def test_the_audit_export_and_who_viewed(db):
    entries = []
    for value in HOSTILE:
        entry = build_entry("sign_in_failed", username=value)  # what the reference API lets anyone type
        entry.person_id, entry.reason_text = "P000000001", value
        entries += chain.append([entry])
    text = to_csv(entries)
    assert len(list(csv.reader(io.StringIO(text)))) == len(HOSTILE) + 1
    assert _live_formulas(text) == []


@pytest.mark.django_db
def test_the_quarantine_download(db):
    load = Load.objects.create(bundle="b")
    for i, value in enumerate(HOSTILE):
        QuarantinedRow.objects.create(load=load, file="people.csv", row_number=i + 2, field=value, reason=value,
                                      raw={"first_name": value, value: value})
    assert _live_formulas(quarantine_csv(load)) == []


@pytest.mark.django_db
def test_familycontext_links(db, tmp_path):
    Source.objects.create(key="police", service="police", name="Police")
    run = LinkageRun.objects.create(started_at=timezone.now(), upper_threshold=0.9, lower_threshold=0.5)
    for i, value in enumerate(HOSTILE):
        RecordAssignment.objects.create(run=run, source_key="police", record_id=value, snapshot_id=1,
                                        person_id=f"P{i:09d}")
    out = tmp_path / "links.csv"
    call_command("links", "--out", str(out), stdout=io.StringIO())
    text = out.read_text()
    assert _live_formulas(text) == [] and "'=1+1" in text


def test_link_records_output_and_review(tmp_path: Path):
    records, _ = population(60, seed=5)
    ids = [v for v in HOSTILE if v[0] not in "\t\r\n"]  # ids with control characters are refused on input
    records.loc[: len(ids) - 1, "record_id"] = [f"{v}{i}" for i, v in enumerate(ids)]
    src, out, review = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "review.csv"
    records.to_csv(src, index=False)
    call_command("link_records", str(src), "--out", str(out), "--review", str(review),
                 stdout=open(tmp_path / "log", "w"))
    text = out.read_text()
    assert _live_formulas(text) == [] and "'=1+10" in text
    assert len(pd.read_csv(out, dtype=str)) == len(records)
    assert _live_formulas(review.read_text()) == []
