"""Hostile and broken input: a clear message naming the file (and row and column), never a traceback,
a non-zero exit from `familycontext load`, and the live snapshot untouched."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from familycontext.sources.loader import load_bundle
from familycontext.sources.models import Load, Snapshot, SourceRecord
from tests.sources.bundles import load_live, person, write_bundle
from tests.sources.corpus import CASES, Case

pytestmark = pytest.mark.django_db


def _live_state() -> tuple[int, list[tuple[str, str]]]:
    snap = Snapshot.objects.get(live=True, source__key="cms")
    return snap.pk, sorted(SourceRecord.objects.filter(snapshot=snap).values_list("record_id", "first_name"))


@pytest.fixture
def live(tmp_path) -> tuple[int, list]:
    load = load_live(write_bundle(tmp_path / "good", "cms", {"people": [person(f"L{i}") for i in range(5)]}))
    assert load.outcome == Load.Outcome.LOADED
    return _live_state()


def _broken_bundle(folder: Path, case: Case) -> Path:
    write_bundle(folder, "cms", {}, date_current_as_of="2026-11-21")
    (folder / case.file).write_bytes(case.build())
    return folder


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_file_gives_clear_message_non_zero_exit_and_live_unchanged(tmp_path, capsys, live, case):
    bundle = _broken_bundle(tmp_path / "broken", case)
    with pytest.raises(CommandError, match="bundles were not loaded") as info:
        call_command("load", str(bundle), "--no-quality")
    assert info.value.returncode == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "Failed" not in text.split("Refused")[0], text[:2000]
    for fragment in case.expect:
        assert fragment in text, (fragment, text[:2000])
    assert _live_state() == live


def test_formula_values_are_quarantined_with_file_row_and_column(tmp_path, live):
    rows = [person(f"F{i}") for i in range(100)]
    rows[2]["last_name"] = "=1+2"
    rows[3]["first_name"] = "+cmd|' /C calc'!A0"
    rows[4]["address"] = "-2+3+cmd|' /C calc'!A0"
    rows[5]["first_name"] = "-Smith"  # looks like a formula to a spreadsheet too
    load = load_bundle(write_bundle(tmp_path / "cms", "cms", {"people": rows}, date_current_as_of="2026-11-21"))
    assert load.outcome == Load.Outcome.LOADED
    got = {(q.row_number, q.field) for q in load.quarantined_rows.all()}
    assert got == {(4, "last_name"), (5, "first_name"), (6, "address"), (7, "first_name")}


def test_phone_numbers_with_plus_are_not_formulas(tmp_path):
    rows = [person("P1", police_area="N", contact_phone="+44 161 496 0000")]
    load = load_bundle(write_bundle(tmp_path / "p", "police", {"people": rows}))
    assert load.outcome == Load.Outcome.LOADED, load.message


HOSTILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@HOSTILE
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_as_people_csv_never_raise_and_never_touch_live(live, data):
    before = _live_state()
    with tempfile.TemporaryDirectory() as folder:
        bundle = write_bundle(Path(folder) / "b", "cms", {}, date_current_as_of="2026-11-21")
        (bundle / "people.csv").write_bytes(data)
        load = load_bundle(bundle)
    assert load.outcome in (Load.Outcome.REFUSED, Load.Outcome.LOADED, Load.Outcome.UNCHANGED)
    assert load.message.strip()
    if load.outcome != Load.Outcome.LOADED:
        assert "people.csv" in load.message or "no valid person records" in load.message
        assert _live_state() == before


_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@HOSTILE
@given(
    header=st.lists(st.sampled_from(["record_id", "first_name", "last_name", "date_of_birth", "gender", "postcode",
                                     "nhs_number", "address", "junk", ""]), min_size=0, max_size=9),
    rows=st.lists(st.lists(_cell, max_size=10), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_arbitrary_csv_text_never_raises_and_a_refusal_never_touches_live(live, header, rows, delimiter, encoding):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding, errors="replace")
    before = _live_state()
    with tempfile.TemporaryDirectory() as folder:
        bundle = write_bundle(Path(folder) / "b", "cms", {}, date_current_as_of="2026-11-21")
        (bundle / "people.csv").write_bytes(data)
        load = load_bundle(bundle)
    assert load.message.strip()
    if load.outcome == Load.Outcome.LOADED:
        snap = Snapshot.objects.get(live=True, source__key="cms")
        assert snap.pk == load.snapshot_id and snap.record_count == SourceRecord.objects.filter(snapshot=snap).count()
    else:
        assert load.outcome in (Load.Outcome.REFUSED, Load.Outcome.UNCHANGED, Load.Outcome.HELD)
        assert _live_state() == before
