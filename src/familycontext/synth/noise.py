"""The mess of real extracts: each source record is an independently damaged copy of the truth.

Linkage and search are only worth measuring against the errors councils actually see: typing
slips, nicknames, blanks, married and double-barrelled names, old addresses, day/month swaps,
shouting capitals, postcodes without their space, and the same person entered twice.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import date

from familycontext.synth.names import name_variants, origin_pools, strip_accents
from familycontext.synth.places import STREET_ABBREVIATIONS, Borough
from familycontext.synth.population import Person


@dataclass(frozen=True)
class NoiseRates:
    """Chance, per source record, of each kind of damage. Tune for harder or easier linkage."""

    first_name_typo: float = 0.04
    last_name_typo: float = 0.04
    nickname: float = 0.06
    missing_dob: float = 0.03
    missing_gender: float = 0.05
    missing_address: float = 0.04
    missing_postcode: float = 0.05
    surname_change: float = 0.05  # previous, partner's or other parent's name, or double-barrelled
    moved: float = 0.05  # an old or different address
    address_style: float = 0.08  # "Rd" for "Road", town left off
    dob_day_month_swap: float = 0.02
    dob_digit_error: float = 0.02
    first_last_swap: float = 0.01
    diacritics: float = 0.05  # dropped when present, added to a vowel when absent
    case: float = 0.04  # SMITH, smith
    postcode_spacing: float = 0.06  # SK42AB, sk4 2ab, SK4  2AB
    nhs_digit_error: float = 0.003  # usually fails the check digit, as a mistyped number does
    duplicate: float = 0.02  # the same person again, under another record id
    other_names: float = 0.25  # previous names recorded, when the person has them

    def scaled(self, factor: float) -> NoiseRates:
        """Every rate times ``factor`` (capped at 1): a quick way to make data cleaner or dirtier."""
        return NoiseRates(**{k: min(1.0, v * factor) for k, v in self.__dict__.items()})


_ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "n": "ñ", "c": "ç"}


def typo(text: str, rng: random.Random) -> str:
    """One keystroke wrong: a letter inserted, dropped, replaced, or two swapped."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    letter = rng.choice(string.ascii_lowercase)
    operation = rng.randrange(4)
    if operation == 0:
        return text[:i] + letter + text[i:]
    if operation == 1:
        return text[:i] + text[i + 1:]
    if operation == 2:
        return text[:i] + letter + text[i + 1:]
    i = max(i, 2)  # transpose, keeping the first letter as people rarely get that wrong
    return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]


def accent(text: str, rng: random.Random) -> str:
    stripped = strip_accents(text)
    if stripped != text:
        return stripped
    spots = [i for i, ch in enumerate(text) if ch in _ACCENTS]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + _ACCENTS[text[i]] + text[i + 1:]


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def dob_digit_error(dob: date, rng: random.Random, latest: date) -> date:
    """One digit of YYYYMMDD mistyped (never the century), keeping a real past date.

    Source systems refuse future dates of birth, so those typos never reach an extract.
    """
    digits = dob.strftime("%Y%m%d")
    for _ in range(8):
        i = rng.randrange(2, 8)
        changed = digits[:i] + str(rng.randrange(10)) + digits[i + 1:]
        candidate = _valid(int(changed[:4]), int(changed[4:6]), int(changed[6:]))
        if candidate and candidate != dob and candidate <= latest:
            return candidate
    return dob


def postcode_variant(postcode: str, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return postcode.replace(" ", "")
    if choice == 1:
        return postcode.lower()
    return postcode.replace(" ", "  ")


def address_variant(line: str, rng: random.Random) -> str:
    parts = line.split(", ")
    if rng.random() < 0.5 and len(parts) > 1:
        parts = parts[:-1]  # town left off
    else:
        words = parts[-2 if len(parts) > 1 else -1].split(" ")
        if words[-1] in STREET_ABBREVIATIONS:
            words[-1] = STREET_ABBREVIATIONS[words[-1]]
            parts[-2 if len(parts) > 1 else -1] = " ".join(words)
    return ", ".join(parts)


class Noise:
    """Turns a true person into the identity columns one source holds for them."""

    def __init__(self, rates: NoiseRates, rng: random.Random, borough: Borough, as_of: date) -> None:
        self.rates = rates
        self.as_of = as_of
        self.rng = rng
        self.borough = borough

    def surname(self, person: Person) -> str:
        rng = self.rng
        if person.previous_surnames and rng.random() < 0.7:
            previous = rng.choice(person.previous_surnames)
            return previous if rng.random() < 0.7 else f"{person.last}-{previous}"
        other = origin_pools()[person.origin].last.pick(rng)  # e.g. the other parent's name
        return f"{person.last}-{other}" if rng.random() < 0.5 else f"{other}-{person.last}"

    def identity(self, person: Person, record_id: str, nhs_share: float) -> list[str]:
        """The nine identity columns, each damaged or not by its own roll of the dice."""
        rng, r = self.rng, self.rates
        first, last = person.first, person.last
        if rng.random() < r.nickname:
            variants = name_variants(first)
            if variants:
                first = rng.choice(variants)
        if rng.random() < r.surname_change:
            last = self.surname(person)
        if rng.random() < r.first_name_typo:
            first = typo(first, rng)
        if rng.random() < r.last_name_typo:
            last = typo(last, rng)
        if rng.random() < r.diacritics:
            if rng.random() < 0.5:
                first = accent(first, rng)
            else:
                last = accent(last, rng)
        if rng.random() < r.case:
            last = last.upper() if rng.random() < 0.7 else last.lower()
            if rng.random() < 0.3:
                first = first.upper()
        if rng.random() < r.first_last_swap:
            first, last = last, first

        other_names = ""
        if person.previous_surnames and rng.random() < r.other_names:
            other_names = f"{person.first} {person.previous_surnames[-1]}"

        dob: date | None = person.dob
        if rng.random() < r.dob_day_month_swap and dob.day <= 12 and dob.day != dob.month:
            swapped = _valid(dob.year, dob.day, dob.month)
            dob = swapped if swapped and swapped <= self.as_of else dob
        if rng.random() < r.dob_digit_error and dob is not None:
            dob = dob_digit_error(dob, rng, self.as_of)
        if rng.random() < r.missing_dob:
            dob = None

        gender = person.gender
        if rng.random() < r.missing_gender:
            gender = "" if rng.random() < 0.5 else "Unknown"

        address = person.address
        if rng.random() < r.moved:
            address = person.previous_address or self.borough.new_address()
        line, postcode = address.line, address.postcode
        if rng.random() < r.address_style:
            line = address_variant(line, rng)
        if rng.random() < r.postcode_spacing:
            postcode = postcode_variant(postcode, rng)
        if rng.random() < r.missing_address:
            line = ""
        if rng.random() < r.missing_postcode:
            postcode = ""

        nhs = person.nhs if person.nhs and rng.random() < nhs_share else ""
        if nhs and rng.random() < r.nhs_digit_error:
            i = rng.randrange(3, 10)
            nhs = nhs[:i] + str((int(nhs[i]) + rng.randrange(1, 10)) % 10) + nhs[i + 1:]
        return [record_id, first, last, other_names, dob.isoformat() if dob else "", gender, line,
                postcode, nhs]
