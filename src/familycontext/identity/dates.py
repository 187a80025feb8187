"""Dates as sources export them (ISO, a mapping's named formats) and as people type them.

One two-digit-year rule: a two-digit year is the latest such year not after today ("68" read in
2026 is 1968, never 2068: a date of birth or an involvement is not in the future). Extracts whose
mapping says ``dd/mm/yy`` are read by it; a person *typing* a date is asked for four digits
instead, because they can give them and 03/04/11 could be a child or a great-grandparent.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

NAMED_FORMATS = {
    "dd/mm/yyyy": "%d/%m/%Y", "dd-mm-yyyy": "%d-%m-%Y", "dd.mm.yyyy": "%d.%m.%Y", "dd/mm/yy": "%d/%m/%y",
    "mm/dd/yyyy": "%m/%d/%Y", "yyyy-mm-dd": "%Y-%m-%d", "iso": "%Y-%m-%d", "yyyymmdd": "%Y%m%d",
    "yyyy/mm/dd": "%Y/%m/%d", "dd mon yyyy": "%d %b %Y", "dd month yyyy": "%d %B %Y", "excel": "excel",
}
EXCEL = "excel"
_EXCEL_EPOCH = date(1899, 12, 30)
TWO_DIGIT_YEAR = "has a two-digit year: write all four digits, like 03/04/2011"


def two_digit_year(yy: int, today: date | None = None) -> int:
    """The latest year ending in ``yy`` (0-99) that is not after ``today``'s year."""
    this_year = (today or date.today()).year
    year = this_year - this_year % 100 + yy
    return year if year <= this_year else year - 100


def iso(value: str) -> date | None:
    """YYYY-MM-DD (a timestamp's time ignored); None when blank; ValueError otherwise."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10] if len(value) >= 10 and value[4] == "-" else value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def describe(formats: list[str]) -> str:
    names = {v: k for k, v in NAMED_FORMATS.items() if k != "iso"}
    return " or ".join(dict.fromkeys(names.get(f, f) for f in formats))


def in_formats(value: str, formats: list[str], today: date | None = None) -> date:
    """A date in any of the strftime ``formats`` or ``excel`` serial days (tried in order); ISO
    YYYY-MM-DD is always understood. A ``%y`` year follows ``two_digit_year``."""
    text = value.strip()
    first = text.split("T")[0].split(" ")[0] if re.match(r"^\d{4}-\d\d-\d\dT", text) or " " in text else text
    for fmt in [*formats, "%Y-%m-%d"]:
        if fmt == EXCEL:
            if re.fullmatch(r"\d{1,6}(\.\d+)?", text) and 1 <= float(text) < 2958466:
                return _EXCEL_EPOCH + timedelta(days=int(float(text)))
            continue
        for candidate in (text, first):
            try:
                parsed = datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
            if "%y" in fmt:
                parsed = parsed.replace(year=two_digit_year(parsed.year % 100, today))
            return parsed
    raise ValueError(f"{value!r} is not a date in the form {describe(formats)}")


_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")), start=1) for name in names}
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/. ](\d{1,2}|[a-z]{3,9})[-/. ,]+(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_SHORT_YEAR = re.compile(r"\d{1,2}[-/. ](\d{1,2}|[a-z]{3,9})[-/. ]\d{2}")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def typed(text: str | None, today: date | None = None) -> date | None:
    """A typed or exported date of birth, or None when blank; ValueError says what is wrong.

    English forms and spreadsheets write the day first: 03/04/2011 is 3 April 2011. Also read:
    2011-04-03 and 2011-4-3, 3.4.2011, 3 Apr 2011, 3-April-2011, 20110403, and a spreadsheet's
    "2011-04-03 00:00:00". Two-digit years are refused (module docstring).
    """
    text = " ".join((text or "").strip().casefold().split())
    if not text:
        return None
    found = _ISO.fullmatch(text)
    if found:
        year, month, day = found.groups()
    elif found := _DAY_FIRST.fullmatch(text):
        day, month, year = found.groups()
        if not month.isdigit():
            if month not in _MONTHS:
                raise ValueError(f"'{month}' is not a month")
            month = str(_MONTHS[month])
    elif found := _COMPACT.fullmatch(text):
        year, month, day = found.groups()
    elif _SHORT_YEAR.fullmatch(text):
        raise ValueError(TWO_DIGIT_YEAR)
    else:
        raise ValueError("is not a date: use day/month/year, like 03/04/2011, or 2011-04-03")
    try:
        value = date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ValueError(f"is not a real date ({exc})") from None
    if today and value > today:
        raise ValueError("is in the future")
    return value
