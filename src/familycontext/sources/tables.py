"""Read one extract file (CSV in any common encoding and delimiter, or XLSX) as a header and rows.

Real extracts arrive as Excel exports, Windows-1252 CSVs, UTF-16 "Unicode text", semicolon files
from European locales and tab-separated dumps. This module turns any of them into the same thing
(a header and rows of strings) or a BundleError whose message names the file, and the row where
there is one. It never trusts a file's size or structure: ZIP members are measured before an
XLSX is opened, so a ZIP bomb is refused without being inflated.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from familycontext.sources.errors import BundleError

MAX_FIELD = 100_000  # characters in one CSV field; the longest SPEC field is far shorter
MAX_FILE_BYTES = 1_000_000_000
MAX_XLSX_UNCOMPRESSED = 500_000_000  # bytes, all members together
MAX_XLSX_RATIO = 200  # uncompressed / compressed, per member
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

csv.field_size_limit(min(sys.maxsize, MAX_FIELD))


@dataclass
class Table:
    """A file's header and rows, with what was detected so the data-quality report can say it."""

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number in the file, header = 1; values)
    encoding: str = ""
    delimiter: str = ""

    @property
    def name(self) -> str:
        return self.path.name


def _control_share(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\f") or 0x7F <= ord(ch) < 0xA0 and ch != "\x85")
    return bad / len(sample)


def decode(path: Path, data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Bytes to text: a byte-order mark decides; else UTF-8; else Windows-1252; else Latin-1."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise BundleError(f"{path}: the text is not in the encoding {encoding!r} the mapping names ({exc})") from None
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise BundleError(f"{path}: the file starts with a {name} byte-order mark but is not valid {name} "
                                  f"(byte {exc.start})") from None
    if b"\x00" in data[:65536]:
        raise BundleError(f"{path}: this is not a text CSV file (it contains binary data, or is UTF-16 without a "
                          "byte-order mark: save it as UTF-8)")
    for name in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _control_share(text) > 0.01:
            raise BundleError(f"{path}: this is not a text CSV file (it contains binary data)")
        return text, name
    raise BundleError(f"{path}: the text encoding is not recognised")  # unreachable: latin-1 decodes anything


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most columns (quotes respected)."""
    first = text.split("\n", 1)[0]
    best, best_count = ",", 0
    for delimiter in DELIMITERS:
        try:
            count = len(next(csv.reader([first], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            continue
        if count > best_count:
            best, best_count = delimiter, count
    return best


def read_csv(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise BundleError(f"{path}: the file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} allowed")
    text, used = decode(path, path.read_bytes(), encoding)
    if not text.strip():
        raise BundleError(f"{path}: the file is empty (no header row)")
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def fail(exc: Exception, line: int) -> BundleError:
        detail = str(exc)
        if "field larger than field limit" in detail:
            detail = f"a value is longer than {MAX_FIELD:,} characters"
        return BundleError(f"{path}, row {line}: the CSV is malformed ({detail})")

    try:
        header = next(reader)
    except csv.Error as exc:
        raise fail(exc, 1) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise fail(exc, number + 1) from None
            number += 1
            yield number, values

    return Table(path, header, rows(), used, DELIMITER_NAMES.get(delimiter, repr(delimiter)))


def check_zip(path: Path) -> None:
    """Refuse an XLSX whose members would inflate beyond sane limits, before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BundleError(f"{path}: not a readable XLSX workbook (it is not a valid ZIP file: {exc})") from None
    if len(members) > 10_000:
        raise BundleError(f"{path}: the workbook has {len(members):,} parts; refused as unsafe")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_XLSX_RATIO and member.file_size > 1_000_000:
            raise BundleError(f"{path}: part {member.filename!r} would expand {ratio:,.0f} times "
                              f"to {member.file_size:,} bytes; refused as a possible ZIP bomb")
    if total > MAX_XLSX_UNCOMPRESSED:
        raise BundleError(f"{path}: the workbook would expand to {total:,} bytes, more than the "
                          f"{MAX_XLSX_UNCOMPRESSED:,} allowed; refused as a possible ZIP bomb")


def cell_text(value: object) -> str:
    """An Excel cell as the text a CSV export would hold; dates as ISO so mappings need no Excel rules."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0, 0) else value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path, *, sheet: str | None = None) -> Table:
    check_zip(path)
    import openpyxl  # imported here: CSV-only deployments never pay for it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise BundleError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    if sheet is not None and sheet not in workbook.sheetnames:
        raise BundleError(f"{path}: there is no sheet {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    cells = worksheet.iter_rows(values_only=True)
    try:
        first = next(cells, None)
    except Exception as exc:
        raise BundleError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    if first is None or not any(c is not None for c in first):
        workbook.close()
        raise BundleError(f"{path}: the sheet {worksheet.title!r} is empty (no header row)")
    header = [cell_text(c) for c in first]
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for values in cells:
                number += 1
                texts = [cell_text(v) for v in values]
                for text in texts:
                    if len(text) > MAX_FIELD:
                        raise BundleError(f"{path}, row {number}: a value is longer than {MAX_FIELD:,} characters")
                yield number, texts
        except BundleError:
            raise
        except Exception as exc:
            raise BundleError(f"{path}, row {number}: the workbook is damaged ({type(exc).__name__}: {exc})") from None
        finally:
            workbook.close()

    return Table(path, header, rows(), "xlsx", "")


def read_table(path: Path, *, encoding: str | None = None, delimiter: str | None = None,
               sheet: str | None = None) -> Table:
    """Open a CSV/TXT/TSV or XLSX file by its extension."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet=sheet)
    if suffix == ".xls":
        raise BundleError(f"{path}: old Excel .xls files cannot be read; save it as .xlsx or CSV")
    return read_csv(path, encoding=encoding, delimiter=delimiter)
