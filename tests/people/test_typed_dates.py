"""Dates of birth as referral forms and spreadsheets write them (identity.dates.typed)."""

from __future__ import annotations

from datetime import date

import pytest

from familycontext.identity.dates import typed as date_of_birth

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize("text", ["03/04/2011", "3/4/2011", "2011-04-03", "2011-4-3", "3.4.2011", "03-04-2011",
                                  "3 Apr 2011", "3 April, 2011", "3-APRIL-2011", "20110403", "2011/04/03",
                                  "2011-04-03 00:00:00", "2011-04-03T00:00:00", "  03/04/2011  "])
def test_day_first_and_iso_forms_all_read_as_3_april_2011(text):
    assert date_of_birth(text, today=TODAY) == date(2011, 4, 3)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_blank_is_no_date(text):
    assert date_of_birth(text) is None


@pytest.mark.parametrize(("text", "message"), [
    ("31/02/2011", "not a real date"),
    ("04/23/2011", "not a real date"),  # American month first: refused, not misread
    ("03/04/11", "two-digit year"),
    ("3 Foo 2011", "'foo' is not a month"),
    ("next tuesday", "is not a date"),
    ("2030-01-01", "in the future"),
])
def test_wrong_dates_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        date_of_birth(text, today=TODAY)
