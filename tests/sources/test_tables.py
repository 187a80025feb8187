"""Extracts in any common encoding and delimiter, and as XLSX, read the same (SPEC 3, issue 7)."""

from __future__ import annotations

import codecs
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from familycontext.sources.errors import BundleError
from familycontext.sources.loader import load_bundle
from familycontext.sources.models import Load, SourceRecord
from familycontext.sources.tables import check_zip, read_table, sniff_delimiter
from tests.sources.bundles import write_bundle

pytestmark = pytest.mark.django_db
ROWS = [["record_id", "first_name", "last_name", "date_of_birth", "address"],
        ["C1", "Zoë", "Ó Briain", "2015-03-04", "12 Mill Lane; Northmoor"],
        ["C2", "Renée", "Smith|Jones", "2014-01-02", "3 Oak Road, Northmoor"]]


def _csv(delimiter: str) -> str:
    out = io.StringIO()
    import csv

    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(ROWS)
    return out.getvalue()


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("cp1252", b""), ("latin-1", b""), ("utf-16-le", codecs.BOM_UTF16_LE),
     ("utf-16-be", codecs.BOM_UTF16_BE)],
)
def test_people_csv_in_any_common_encoding_and_delimiter_loads_the_same(tmp_path, encoding, bom, delimiter):
    bundle = write_bundle(tmp_path / "cms", "cms", {})
    (bundle / "people.csv").write_bytes(bom + _csv(delimiter).encode(encoding))
    load = load_bundle(bundle)
    assert load.outcome == Load.Outcome.LOADED, load.message
    assert dict(SourceRecord.objects.values_list("first_name", "last_name")) == {"Zoë": "Ó Briain", "Renée": "Smith|Jones"}


def test_windows_1252_curly_quotes_and_euro_sign_decode(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("a,b\r\nO’Neill,€5\r\n".encode("cp1252"))
    table = read_table(path)
    assert table.encoding == "cp1252" and list(table.rows) == [(2, ["O’Neill", "€5"])]


def test_sniffing_respects_quoted_delimiters():
    assert sniff_delimiter('"a,b";c;d\n1;2;3\n') == ";"
    assert sniff_delimiter("a\tb\tc\n") == "\t"
    assert sniff_delimiter("single\n") == ","


def test_people_xlsx_with_real_dates_loads(tmp_path):
    bundle = write_bundle(tmp_path / "cms", "cms", {})
    wb = openpyxl.Workbook()
    wb.active.append(["record_id", "first_name", "last_name", "date_of_birth", "gender"])
    wb.active.append([101, "Amira", "Khan", datetime(2015, 3, 4), "F"])
    wb.active.append(["C2", "Bo", "Li", date(2014, 1, 2), None])
    wb.save(bundle / "people.xlsx")
    load = load_bundle(bundle)
    assert load.outcome == Load.Outcome.LOADED, load.message
    assert SourceRecord.objects.get(record_id="101").date_of_birth == date(2015, 3, 4)


def test_zip_check_refuses_a_member_that_inflates_enormously_before_opening_it(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 50_000_000)
    with pytest.raises(BundleError, match="ZIP bomb"):
        check_zip(path)


def test_old_xls_is_refused_with_advice(tmp_path):
    path = tmp_path / "people.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(BundleError, match="save it as .xlsx or CSV"):
        read_table(path)
