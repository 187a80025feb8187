from datetime import date

from conftest import TODAY, enrolment, source
from familycontext.config.settings import Configuration
from familycontext.involvement.cards import ServiceRows, card_for
from familycontext.involvement.school import SchoolDetails

CHILD = date(2015, 3, 1)


def school_card(*enrolments, src=None):
    return card_for("school", date_of_birth=CHILD, source=src or source(),
                    rows=ServiceRows(enrolments=enrolments), today=TODAY, config=Configuration())


def test_current_enrolment_is_shown_with_name_type_and_contact() -> None:
    card = school_card(enrolment())
    assert card.records_found and card.flag_text == "Records found"
    d = card.details
    assert isinstance(d, SchoolDetails)
    assert (d.involvement, d.school_name, d.admission_type) == ("Current", "Hillside Primary",
                                                                "Main provision")
    assert d.contact is not None and d.contact.tel_href == "tel:01611234567"


def test_enrolment_ended_within_coverage_is_historic() -> None:
    card = school_card(enrolment(enrolment_end=date(2023, 7, 21)))
    assert card.details is not None and card.details.involvement == "Historic"


def test_enrolment_ended_before_coverage_start_is_not_shown() -> None:
    card = school_card(enrolment(enrolment_start=date(2010, 9, 1), enrolment_end=date(2014, 12, 31)))
    assert not card.records_found
    assert card.details is None
    assert card.known and card.flag_text == "Known to Synergy: no enrolment in the coverage period"


def test_enrolment_ending_on_coverage_start_day_is_shown() -> None:
    card = school_card(enrolment(enrolment_start=date(2010, 9, 1), enrolment_end=date(2015, 1, 1)))
    assert card.records_found


def test_dual_registration_shows_the_main_registration_only() -> None:
    main = enrolment(school_name="Hillside Primary", admission_type="Main provision",
                     enrolment_start=date(2021, 9, 1))
    pru = enrolment(school_name="Pupil Referral Unit", admission_type="Secondary provision",
                    enrolment_start=date(2025, 1, 6))
    card = school_card(pru, main)
    assert card.details is not None
    assert card.details.school_name == "Hillside Primary"
    assert card.details.admission_type == "Main provision"


def test_dual_registration_matching_is_tolerant_of_spelling() -> None:
    main = enrolment(school_name="Hillside", admission_type="  main PROVISION ")
    off = enrolment(school_name="Farm project", admission_type="Off site provision",
                    enrolment_start=date(2025, 2, 1))
    card = school_card(off, main)
    assert card.details is not None and card.details.school_name == "Hillside"


def test_secondary_provision_overlapping_an_ended_main_one_stays_hidden() -> None:
    main = enrolment(school_name="Old School", enrolment_start=date(2024, 1, 1),
                     enrolment_end=date(2025, 6, 1))
    second = enrolment(school_name="Unit", enrolment_start=date(2023, 9, 1),
                       admission_type="Secondary provision")
    card = school_card(main, second)
    assert card.details is not None
    assert (card.details.school_name, card.details.involvement) == ("Old School", "Historic")


def test_current_school_beats_a_more_recently_started_historic_one() -> None:
    now = enrolment(school_name="Now School", enrolment_start=date(2020, 9, 1))
    brief = enrolment(school_name="Brief School", enrolment_start=date(2024, 1, 1),
                      enrolment_end=date(2024, 3, 1))
    card = school_card(brief, now)
    assert card.details is not None
    assert (card.details.school_name, card.details.involvement) == ("Now School", "Current")


def test_the_current_school_is_shown_after_a_move() -> None:
    old = enrolment(school_name="Old School", enrolment_start=date(2019, 9, 1),
                    enrolment_end=date(2023, 7, 21))
    new = enrolment(school_name="New School", enrolment_start=date(2023, 9, 5))
    card = school_card(old, new)
    assert card.details is not None
    assert (card.details.school_name, card.details.involvement) == ("New School", "Current")


def test_only_a_secondary_provision_is_shown_when_there_is_no_main_one() -> None:
    card = school_card(enrolment(admission_type="Off site provision", school_name="Farm project"))
    assert card.details is not None and card.details.school_name == "Farm project"


def test_leaving_date_after_today_is_still_current() -> None:
    card = school_card(enrolment(enrolment_end=date(2025, 7, 22)))
    assert card.details is not None and card.details.involvement == "Current"
