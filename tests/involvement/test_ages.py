from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

from familycontext.config.settings import AgeBand
from familycontext.involvement.ages import age_on, band_sentence, decide, describe_band


@pytest.mark.parametrize(
    ("dob", "today", "age"),
    [
        (date(2007, 6, 15), date(2025, 6, 15), 18),  # the birthday itself
        (date(2007, 6, 16), date(2025, 6, 15), 17),  # the day before
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # leap-day birth: not yet in a common year
        (date(2008, 2, 29), date(2026, 3, 1), 18),  # ... turns 18 on 1 March
        (date(2008, 2, 29), date(2028, 2, 29), 20),  # and on 29 February in a leap year
        (date(2025, 6, 15), date(2025, 6, 15), 0),
    ],
)
def test_age_counts_whole_years_as_english_law_does(dob: date, today: date, age: int) -> None:
    assert age_on(dob, today) == age


def test_band_bounds_are_inclusive() -> None:
    school = AgeBand(min_age=4, max_age=20)
    today = date(2025, 6, 15)
    assert decide("School", school, date(2021, 6, 15), today).shown  # 4 today
    assert not decide("School", school, date(2021, 6, 16), today).shown  # 3
    assert decide("School", school, date(2004, 6, 16), today).shown  # 20
    assert not decide("School", school, date(2004, 6, 15), today).shown  # 21 today


def test_out_of_band_says_why() -> None:
    decision = decide("Police", AgeBand(min_age=18), date(2010, 1, 1), date(2025, 6, 15))
    assert decision.note == "Police information is shown for people aged 18 and over"
    assert not decision.age_unknown


@pytest.mark.parametrize("dob", [None, date(2030, 1, 1)])
def test_unknown_or_impossible_date_of_birth_shows_the_card_marked(dob: date | None) -> None:
    decision = decide("Police", AgeBand(min_age=18), dob, date(2025, 6, 15))
    assert decision.shown and decision.age_unknown
    assert decision.note is not None and "aged 18 and over" in decision.note


@pytest.mark.parametrize(
    ("band", "text"),
    [
        (AgeBand(min_age=4, max_age=20), "aged 4 to 20"),
        (AgeBand(min_age=18), "aged 18 and over"),
        (AgeBand(max_age=25), "aged 25 and under"),
        (AgeBand(), "of any age"),
    ],
)
def test_band_description(band: AgeBand, text: str) -> None:
    assert describe_band(band) == text
    assert band_sentence("Housing", band) == f"Housing information is shown for people {text}"


@given(dob=st.dates(date(1900, 1, 1), date(2025, 6, 15)), today=st.dates(date(2025, 1, 1), date(2030, 12, 31)))
def test_age_agrees_with_relativedelta(dob: date, today: date) -> None:
    assume(dob <= today)  # an age is whole years since birth; a later birth date has none
    assert age_on(dob, today) == relativedelta(today, dob).years
