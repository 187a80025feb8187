"""Age bands (SPEC 4.5): a service is shown only for people whose age today is in its band.

Age is whole years completed, as English law counts it: a person born on 29 February turns a
year older on 1 March in a year that has no 29 February.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from familycontext.config.settings import AgeBand


def age_on(date_of_birth: date, today: date) -> int:
    """Whole years completed on ``today``."""
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - int(before_birthday)


def in_band(age: int, band: AgeBand) -> bool:
    """Both bounds inclusive: "4–20" includes 4 and 20."""
    if band.min_age is not None and age < band.min_age:
        return False
    return band.max_age is None or age <= band.max_age


def describe_band(band: AgeBand) -> str:
    """'aged 18 and over', 'aged 4 to 20', 'aged 20 and under' or 'of any age'."""
    lo, hi = band.min_age, band.max_age
    if lo is not None and hi is not None:
        return f"aged {lo} to {hi}" if lo != hi else f"aged {lo}"
    if lo is not None:
        return f"aged {lo} and over"
    if hi is not None:
        return f"aged {hi} and under"
    return "of any age"


def band_sentence(title: str, band: AgeBand) -> str:
    """The line shown instead of a card, e.g. 'Police information is shown for people aged 18 and over'."""
    return f"{title} information is shown for people {describe_band(band)}"


@dataclass(frozen=True)
class AgeDecision:
    """Whether a service's card is shown for this person, and what to say about it."""

    shown: bool
    age_unknown: bool
    note: str | None


def decide(title: str, band: AgeBand, date_of_birth: date | None, today: date) -> AgeDecision:
    """No date of birth (or one after today, which is a data error) means the band can't be
    ruled out: the card is shown, marked, rather than hiding what may matter to a child's safety."""
    sentence = band_sentence(title, band)
    unrestricted = band.min_age is None and band.max_age is None
    if date_of_birth is None or date_of_birth > today:
        if unrestricted:
            return AgeDecision(shown=True, age_unknown=True, note=None)
        return AgeDecision(
            shown=True,
            age_unknown=True,
            note=f"Date of birth not known, so the age rule could not be checked. {sentence}.",
        )
    if in_band(age_on(date_of_birth, today), band):
        return AgeDecision(shown=True, age_unknown=False, note=None)
    return AgeDecision(shown=False, age_unknown=False, note=sentence)
