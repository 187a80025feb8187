"""Addresses: one abbreviation table, the house number, and when two addresses are one home.

Sources write one address many ways: "12, High St." and "12 High Street, Exampleton SK4 2AB".
``words`` reduces an address to lower-case words with abbreviations spelt out and a trailing
postcode dropped; linkage compares those words, related people and the person page's address
list decide "same home" with ``same_home``, and ``key`` (house number + street word) is the
short form linkage blocks on and disclosure can group by.
"""

from __future__ import annotations

import re

from familycontext.identity import postcodes

ABBREVIATIONS = {
    "rd": "road", "st": "street", "ave": "avenue", "av": "avenue", "ln": "lane", "cl": "close",
    "ct": "court", "cres": "crescent", "dr": "drive", "gdns": "gardens", "gr": "grove",
    "pl": "place", "sq": "square", "tce": "terrace", "ter": "terrace", "terr": "terrace",
    "pk": "park", "flt": "flat", "apt": "flat",
}
NOT_STREET = frozenset({"flat", "apartment", "house", "unit"})
# Words that say "this line has a street" (as written or abbreviated), and that a home is named or
# numbered: the data-quality report's "address without house number / street" (SPEC 3.1).
STREET_TYPES = frozenset({
    "road", "street", "lane", "avenue", "close", "drive", "way", "grove", "place", "crescent", "court",
    "terrace", "gardens", "hill", "row", "walk", "square", "rise", "mews", "view", "park", "green",
})
HOME_NAMES = frozenset({"flat", "apartment", "house", "cottage", "farm", "lodge", "court", "hall"})
HOUSE_NUMBER = r"\d+[a-z]?"  # "12", "12a"
STREET_WORD = r"[a-z]{3,}"
_NOT_WORD = re.compile(r"[^a-z0-9 ]")
_HOUSE_NUMBER = re.compile(HOUSE_NUMBER)
_STREET_WORD = re.compile(STREET_WORD)


def words(address: object, postcode: object = None) -> list[str]:
    """Lower-case words, abbreviations spelt out, the postcode at the end (with or without
    its space) dropped: "12, High St. SK4 2AB" -> ["12", "high", "street"]."""
    found = [ABBREVIATIONS.get(w, w) for w in _NOT_WORD.sub(" ", str(address or "").lower()).split()]
    code = postcodes.compact(postcode).lower()
    if code and len(found) >= 2 and found[-2] + found[-1] == code:
        return found[:-2]
    if code and found and found[-1] == code:
        return found[:-1]
    return found


def normalised(address: object) -> str:
    """``words`` as one string, for comparing and grouping ("12 high street")."""
    return " ".join(words(address))


def has_street(address: object) -> bool:
    """A street word in the address, written out or abbreviated ("High St", "Elm Road")."""
    return any(w in STREET_TYPES for w in words(address))


def has_house_number(address: object) -> bool:
    """A digit anywhere, or a word naming the home ("Rose Cottage", "Flat B")."""
    text = str(address or "").lower()
    return any(ch.isdigit() for ch in text) or any(w in HOME_NAMES for w in _NOT_WORD.sub(" ", text).split())


def house_number(address_words: list[str]) -> str | None:
    """The first word that is a house number ("12", "12a"), or None."""
    return next((w for w in address_words if _HOUSE_NUMBER.fullmatch(w)), None)


def key(address_words: list[str]) -> str | None:
    """House number and the first street word ("12 high"), or None without both."""
    number = house_number(address_words)
    street = next((w for w in address_words if _STREET_WORD.fullmatch(w) and w not in NOT_STREET),
                  None)
    return f"{number} {street}" if number and street else None


def same_home(a: str, b: str) -> bool:
    """Two normalised addresses (already known to share a postcode) name the same home when one
    is the start of the other: '12 high street' and '12 high street exampleton'. 'flat 2 12 high
    street' is not '12 high street': a different household."""
    x, y = a.split(), b.split()
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return len(short) >= 2 and long[: len(short)] == short


def sql_expanded(address: str) -> str:
    """DuckDB twin of ``words`` before the postcode is dropped: a list of words."""
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in ABBREVIATIONS.items())
    split = (f"list_filter(string_split(regexp_replace(lower(coalesce({address}, '')),"
             f" '[^a-z0-9 ]', ' ', 'g'), ' '), lambda t: t <> '')")
    return f"list_transform({split}, lambda t: CASE t {cases} ELSE t END)"


def sql_without_postcode(expanded: str, postcode_compact: str) -> str:
    """DuckDB twin of ``words``' last step: ``expanded`` (a list column) without a trailing
    postcode (``postcode_compact``: an expression, upper case, NULL when blank)."""
    pc, e = f"lower({postcode_compact})", expanded
    return (f"CASE WHEN {pc} IS NOT NULL AND len({e}) >= 2 AND {e}[-2] || {e}[-1] = {pc}"
            f" THEN {e}[:-3] WHEN {pc} IS NOT NULL AND len({e}) >= 1 AND {e}[-1] = {pc}"
            f" THEN {e}[:-2] ELSE {e} END")


def sql_house_number(address_words: str) -> str:
    """DuckDB twin of ``house_number`` on a list of words."""
    return f"list_filter({address_words}, lambda t: regexp_full_match(t, '{HOUSE_NUMBER}'))[1]"


def sql_key(address_words: str) -> str:
    """DuckDB twin of ``key`` on a list of words."""
    not_street = ", ".join(f"'{w}'" for w in sorted(NOT_STREET))
    street = (f"list_filter({address_words}, lambda t: regexp_full_match(t, '{STREET_WORD}')"
              f" AND t NOT IN ({not_street}))[1]")
    return f"{sql_house_number(address_words)} || ' ' || {street}"
