import dataclasses
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from conftest import TODAY, config, offence, police_person, source
from familycontext.config.settings import Configuration
from familycontext.involvement.cards import Card, ServiceRows, card_for
from familycontext.involvement.police import OffenceSummary, PoliceDetails

ADULT = date(1990, 1, 1)
GMP = "Greater Manchester Police"


def police_card(*offences, dob=ADULT, cfg=None, people=None) -> Card:
    rows = ServiceRows(police_contacts=[police_person()] if people is None else people,
                       offences=offences)
    return card_for("police", date_of_birth=dob, source=source(GMP), rows=rows, today=TODAY,
                    config=cfg or Configuration())


def details(card: Card) -> PoliceDetails:
    assert isinstance(card.details, PoliceDetails)
    return card.details


def test_police_card_shows_area_contact_and_the_offence() -> None:
    card = police_card(offence(date(2024, 2, 1), "Robbery", "Convicted"))
    assert card.records_found and card.flag_text == "Records found"
    d = details(card)
    assert d.police_area == "Greater Manchester Police area"
    assert d.contact is not None and d.contact.tel_href == "tel:01611234567"
    assert d.safeguarding_offences == (OffenceSummary(date(2024, 2, 1), "Robbery", "Convicted"),)
    assert d.non_safeguarding_records_found is False and d.non_safeguarding_text == "No"


def test_police_card_lists_at_most_three_safeguarding_offences_most_recent_first() -> None:
    days = [date(2021, 1, 1), date(2024, 1, 1), date(2022, 1, 1), date(2023, 1, 1)]
    d = details(police_card(*[offence(day) for day in days]))
    assert [o.offence_date for o in d.safeguarding_offences] == [
        date(2024, 1, 1), date(2023, 1, 1), date(2022, 1, 1)]
    assert d.safeguarding_limit == 3
    assert "a maximum of 3 are listed" in d.safeguarding_note


def test_conviction_exactly_five_years_old_is_shown_and_one_day_older_is_not() -> None:
    shown = police_card(offence(date(2020, 6, 15), "Rape", "Convicted"))
    assert [o.offence_date for o in details(shown).safeguarding_offences] == [date(2020, 6, 15)]
    hidden = police_card(offence(date(2020, 6, 14), "Rape", "Convicted"))
    assert not hidden.records_found and hidden.details is None
    assert hidden.known and hidden.flag_text == f"Known to {GMP}: no offences in the periods shown"


def test_suspect_record_thirteen_months_old_is_not_shown() -> None:
    assert not police_card(offence(date(2024, 5, 15), "Robbery", "Suspect")).records_found
    assert not police_card(offence(date(2024, 6, 14), "Robbery", "Suspect")).records_found
    twelve = police_card(offence(date(2024, 6, 15), "Robbery", "Suspect"))
    assert details(twelve).safeguarding_offences[0].nature_of_involvement == "Suspect"


@pytest.mark.parametrize("offence_type", ["Fraud", "AntiSocial Behaviour", "Burglary", ""])
def test_unlisted_offence_type_is_never_shown_nor_counted(offence_type: str) -> None:
    card = police_card(offence(date(2025, 1, 1), offence_type, "Convicted"))
    assert not card.records_found and card.details is None
    mixed = details(police_card(offence(date(2025, 1, 1), offence_type, "Convicted"),
                                offence(date(2023, 1, 1), "Homicide", "Convicted")))
    assert [o.offence_type for o in mixed.safeguarding_offences] == ["Homicide"]
    assert mixed.non_safeguarding_records_found is False


def test_unknown_nature_of_involvement_is_not_counted() -> None:
    assert not police_card(offence(date(2025, 1, 1), "Robbery", "Offender")).records_found


def test_non_safeguarding_offences_only_say_yes_or_no() -> None:
    card = police_card(offence(date(2024, 1, 1), "Burglary - residential", "Convicted"))
    d = details(card)
    assert d.non_safeguarding_records_found and d.non_safeguarding_text == "Yes"
    assert d.safeguarding_offences == ()
    fields = {f.name for f in dataclasses.fields(PoliceDetails)}
    assert not any("date" in f or "type" in f for f in fields)  # nothing else to carry detail in


@pytest.mark.parametrize(
    ("day", "nature", "found"),
    [
        (date(2023, 6, 15), "Convicted", True),  # exactly 24 months
        (date(2023, 6, 14), "Convicted", False),
        (date(2024, 6, 15), "Suspect", True),  # exactly 12 months
        (date(2024, 6, 14), "Suspect", False),
    ],
)
def test_non_safeguarding_windows(day: date, nature: str, found: bool) -> None:
    assert police_card(offence(day, "Shoplifting", nature)).records_found is found


def test_offence_types_are_shown_in_the_configured_spelling() -> None:
    d = details(police_card(offence(date(2025, 1, 1), "  violence WITH injury", "convict")))
    assert d.safeguarding_offences[0].offence_type == "Violence with injury"
    assert d.safeguarding_offences[0].nature_of_involvement == "Convicted"


def test_same_day_offences_list_convictions_first() -> None:
    d = details(police_card(offence(date(2025, 1, 1), "Robbery", "Suspect"),
                            offence(date(2025, 1, 1), "Rape", "Convicted")))
    assert [o.nature_of_involvement for o in d.safeguarding_offences] == ["Convicted", "Suspect"]


def test_police_shown_from_the_eighteenth_birthday_not_the_day_before() -> None:
    rows = [offence(date(2025, 1, 1))]
    seventeen = police_card(*rows, dob=date(2007, 6, 16))
    assert not seventeen.shown_for_age
    assert seventeen.age_note == "Police information is shown for people aged 18 and over"
    assert seventeen.details is None and not seventeen.records_found
    assert "Records found" not in seventeen.flag_text  # nothing leaks about the rows
    birthday = police_card(*rows, dob=date(2007, 6, 15))
    assert birthday.shown_for_age and birthday.records_found and birthday.age_note is None


def test_changing_the_police_minimum_age_changes_the_card() -> None:
    cfg = config(age_bands={"police": {"min_age": 16}})
    card = police_card(offence(date(2025, 1, 1)), dob=date(2009, 1, 1), cfg=cfg)
    assert card.shown_for_age and card.records_found
    under = police_card(offence(date(2025, 1, 1)), dob=date(2010, 1, 1), cfg=cfg)
    assert under.age_note == "Police information is shown for people aged 16 and over"


def test_changing_the_maximum_changes_the_list_and_the_wording() -> None:
    cfg = config(police={"max_safeguarding_offences": 2})
    d = details(police_card(*[offence(date(2024, m, 1)) for m in (1, 2, 3)], cfg=cfg))
    assert len(d.safeguarding_offences) == 2
    assert "a maximum of 2 are listed" in d.safeguarding_note


def test_changing_windows_and_lists_changes_the_card() -> None:
    old = offence(date(2019, 1, 1), "Robbery", "Convicted")
    assert not police_card(old).records_found
    assert police_card(old, cfg=config(police={"safeguarding_conviction_months": 90})).records_found
    custom = config(police={"safeguarding_offence_types": ["Robbery", "Stalking"]})
    assert police_card(offence(date(2025, 1, 1), "stalking"), cfg=custom).records_found
    assert not police_card(offence(date(2025, 1, 1), "Rape"), cfg=custom).records_found


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        value = [getattr(value, f.name) for f in dataclasses.fields(value)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def test_police_card_never_says_current() -> None:
    card = police_card(offence(date(2025, 1, 1)), offence(date(2024, 1, 1), "Arson"))
    texts = _strings(card) + [details(card).non_safeguarding_text]
    assert texts and not any("current" in t.lower() for t in texts)
    unknown = police_card(offence(date(2025, 1, 1)), dob=None)
    assert not any("current" in t.lower() for t in _strings(unknown))


def test_no_police_person_row_still_lists_offences_without_contact() -> None:
    d = details(police_card(offence(date(2025, 1, 1)), people=[]))
    assert d.police_area == "" and d.contact is None


_TYPES = ["Robbery", "Rape", "Homicide", "Shoplifting", "Arson", "Fraud", "Burglary - residential"]


@given(
    rows=st.lists(
        st.builds(offence, st.dates(date(2015, 1, 1), date(2025, 6, 15)), st.sampled_from(_TYPES),
                  st.sampled_from(["Convicted", "Suspect", "convict", "Witness"])),
        max_size=12,
    ),
    limit=st.integers(1, 5),
)
def test_listed_offences_are_always_in_window_on_the_list_and_ordered(rows, limit) -> None:
    cfg = config(police={"max_safeguarding_offences": limit})
    card = police_card(*rows, cfg=cfg)
    if card.details is None:
        return
    listed = details(card).safeguarding_offences
    assert len(listed) <= limit
    assert [o.offence_date for o in listed] == sorted((o.offence_date for o in listed), reverse=True)
    for o in listed:
        assert o.offence_type in cfg.police.safeguarding_offence_types
        months = 60 if o.nature_of_involvement == "Convicted" else 12
        assert o.offence_date >= TODAY - relativedelta(months=months)


def test_a_person_the_police_know_without_offences_in_the_windows_is_known_with_a_contact() -> None:
    card = police_card(offence(date(2010, 1, 1), "Rape", "Convicted"))
    assert not card.records_found and card.known and card.openable
    assert card.label == f"Known to {GMP}: no offences in the periods shown"
    assert card.contact is not None and card.contact == details(police_card(
        offence(date(2025, 1, 1), "Rape", "Convicted"))).contact
    nobody = police_card(people=[])
    assert not nobody.known and not nobody.openable and nobody.contact is None
    assert nobody.label == f"No records found in {GMP}"
