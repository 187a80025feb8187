"""Broken files for the hostile-input tests, built at test time (no large file is committed).

Each case is (name, file name inside a cms bundle, bytes builder, what the message must name).
Small cases could be committed files; building them all here keeps them readable and reviewable
and lets the 10 MB field and the ZIP bomb exist only in a temporary folder.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

HEADER = "record_id,first_name,last_name,date_of_birth,gender,address,postcode\r\n"
GOOD = "C1,Amira,Khan,2015-03-04,Female,12 Mill Lane,NM1 2AB\r\n"


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # the file's name inside the bundle
    build: Callable[[], bytes]
    expect: tuple[str, ...]  # fragments the load message (or printed quarantine) must contain


def _xlsx_bomb() -> bytes:
    """A well-formed ZIP whose one sheet would inflate to 1 GB of zeros (compressed ~1 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"\0" * (1 << 20)
            for _ in range(1024):
                sheet.write(chunk)
    return buffer.getvalue()


def _truncated_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["record_id", "first_name", "last_name", "date_of_birth"])
    wb.active.append(["C1", "Amira", "Khan", "2015-03-04"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()[:700]


CASES: tuple[Case, ...] = (
    Case("empty file", "people.csv", lambda: b"", ("people.csv", "empty")),
    Case("header only", "people.csv", lambda: HEADER.encode(), ("no valid person records",)),
    Case("binary", "people.csv", lambda: bytes(range(256)) * 40, ("people.csv", "binary")),
    Case("png renamed to csv", "people.csv", lambda: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\xff" * 200, ("people.csv", "binary")),
    Case("utf-16 without byte-order mark", "people.csv", lambda: (HEADER + GOOD).encode("utf-16-le"),
         ("people.csv", "UTF-16 without a byte-order mark")),
    Case("wrong encoding named by nothing: utf-32 text", "people.csv",
         lambda: (HEADER + GOOD).encode("utf-32-be"), ("people.csv", "binary")),
    Case("truncated csv mid-quote", "people.csv",
         lambda: (HEADER + GOOD + 'C2,"Bo,Li,2014-01-01\r\n').encode(), ("people.csv", "row 3", "malformed")),
    Case("10 MB field", "people.csv",
         lambda: (HEADER + GOOD + "C2," + "A" * 10_000_000 + ",Li,2014-01-01,,,\r\n").encode(),
         ("people.csv", "row 3", "longer than")),
    Case("formula injection", "people.csv",
         lambda: (HEADER + GOOD + 'C2,"=HYPERLINK(""http://evil"",""x"")",Li,2014-01-01,,,\r\n'
                  + "C3,Bo,@SUM(A1),2014-01-01,,,\r\n").encode(),
         ("people.csv, row 3, column first_name", "spreadsheet formula")),
    Case("duplicate headers", "people.csv",
         lambda: (b"record_id,first_name,last_name,first_name,date_of_birth\r\nC1,A,B,C,2015-03-04\r\n"),
         ("people.csv", "row 1", "column 4", "'first_name' appears twice")),
    Case("ragged rows", "people.csv",
         lambda: (HEADER + GOOD + "C2,Bo,Li,2014-01-01,Male,1 Road,NM1 2AB,surprise,more\r\n"
                  + "C3,Cy,Ko,2013-01-01,Male,2 Road,NM1 2AB,extra\r\n").encode(),
         ("people.csv, row 3", "9 values but the header has 7 columns")),
    Case("zip bomb xlsx", "people.xlsx", _xlsx_bomb, ("people.xlsx", "ZIP bomb")),
    Case("truncated xlsx", "people.xlsx", _truncated_xlsx, ("people.xlsx", "not a readable XLSX")),
    Case("not a zip but named xlsx", "people.xlsx", lambda: (HEADER + GOOD).encode(), ("people.xlsx", "not a valid ZIP")),
    Case("missing required column", "people.csv", lambda: b"record_id,first_name\r\nC1,A\r\n", ("people.csv", "'last_name'")),
)
