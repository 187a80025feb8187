"""Names and identifiers reduced to the forms search compares (SPEC 7).

Index and query must agree on every normalisation, so both call these functions: a name typed
"ZOË O'Brien-Smith*" and a record holding "zoe obrien smith" reduce to the same parts.
Name-level work (phonetics, nicknames) is cached per distinct value: a borough of a million
people holds only tens of thousands of distinct names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jellyfish
from nicknames import NickNamer

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NOT_LETTER = re.compile(r"[^a-z\s-]")  # wildcards (*, %, ?, _) and digits go too
_HYPHENS = re.compile(r"\s*[-\u2010-\u2015]+\s*")


def fold(text: str | None) -> str:
    """Lower case, no diacritics, apostrophes or wildcards; hyphens kept, spaces squeezed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")
    text = _APOSTROPHES.sub("", text)
    text = _HYPHENS.sub("-", text.replace(".", " ").replace(",", " "))
    text = _NOT_LETTER.sub("", text)
    return " ".join(part.strip("-") for part in text.split() if part.strip("-"))


@dataclass(frozen=True, slots=True)
class Word:
    """One typed word: "smith-jones" is the word, ("smith", "jones") its parts."""

    joined: str
    parts: tuple[str, ...]

    @property
    def forms(self) -> tuple[str, ...]:
        """Every form the word can be matched by: joined and each part (a hyphen split both ways)."""
        return (self.joined, *self.parts) if len(self.parts) > 1 else (self.joined,)


def words(text: str | None) -> list[Word]:
    """The words of a name box; hyphenated words keep their parts as well as the joined form."""
    found = []
    for chunk in fold(text).split():
        parts = tuple(p for p in chunk.split("-") if p)
        if parts:
            found.append(Word("".join(parts), parts))
    return found


def tokens(text: str | None) -> set[str]:
    """Every matchable form of every word in a name, for the index."""
    return {form for word in words(text) for form in word.forms}


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=200_000)
def nickname_forms(token: str) -> frozenset[str]:
    """The token and the formal names it is a nickname of (bill -> william, robert, ...).

    Two names are nickname-equivalent when their forms meet: Bill and William meet at
    "william", Bill and Will at "william" too. The table is the ``nicknames`` dataset.
    """
    return frozenset({token, *_nicknamer().canonicals_of(token)})


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """Metaphone key: Smith, Smyth and Smithe agree; typos that keep the sound are forgiven."""
    return jellyfish.metaphone(token) or token


_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")), start=1) for name in names}
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/. ](\d{1,2}|[a-z]{3,9})[-/. ,]+(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_SHORT_YEAR = re.compile(r"\d{1,2}[-/. ](\d{1,2}|[a-z]{3,9})[-/. ]\d{2}")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def date_of_birth(text: str | None, today: date | None = None) -> date | None:
    """A typed or exported date of birth, or None when blank; ValueError says what is wrong.

    English forms and spreadsheets write the day first: 03/04/2011 is 3 April 2011. Also read:
    2011-04-03 and 2011-4-3, 3.4.2011, 3 Apr 2011, 3-April-2011, 20110403, and a spreadsheet's
    "2011-04-03 00:00:00". Two-digit years are refused: 03/04/11 could be 1911 or 2011.
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
        raise ValueError("has a two-digit year: write all four digits, like 03/04/2011")
    else:
        raise ValueError("is not a date: use day/month/year, like 03/04/2011, or 2011-04-03")
    try:
        value = date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ValueError(f"is not a real date ({exc})") from None
    if today and value > today:
        raise ValueError("is in the future")
    return value


def nhs_number(text: str | None) -> str | None:
    """The 10 digits of a valid NHS number (spaces and dashes allowed), else None.

    A number failing the modulus 11 check is a typing error and must not find anybody.
    """
    digits = re.sub(r"[\s-]", "", text or "")
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return None
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11
    check = 0 if check == 11 else check
    return digits if check != 10 and check == int(digits[9]) else None
