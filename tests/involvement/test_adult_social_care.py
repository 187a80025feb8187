from datetime import date

import pytest

from conftest import TODAY, involvement, source
from familycontext.config.settings import Configuration
from familycontext.involvement.adult_social_care import AscDetails
from familycontext.involvement.cards import ServiceRows, card_for

ADULT = date(1970, 1, 1)


def asc_card(*rows):
    return card_for("adult_social_care", date_of_birth=ADULT, source=source("Mosaic Adults"),
                    rows=ServiceRows(involvements=rows), today=TODAY, config=Configuration())


def test_current_involvement_details() -> None:
    card = asc_card(involvement())
    d = card.details
    assert isinstance(d, AscDetails)
    assert d.involvement == "Current"
    assert d.local_authority_organisation == "Adult Social Care North"
    assert d.start_of_last_involvement == date(2024, 1, 10)
    assert d.most_recent_interaction == date(2025, 5, 1)
    assert d.contact is not None and d.contact.name == "A Worker"


@pytest.mark.parametrize("status", ["planned", "Cancelled", "  PLANNED ", "canceled"])
def test_planned_or_cancelled_plans_are_hidden_and_not_records_found(status: str) -> None:
    card = asc_card(involvement(plan_status=status))
    assert not card.records_found and card.details is None
    # The source knows the person, so not "No records found": the rule's own words
    assert card.known and card.flag_text == (
        "Known to Mosaic Adults: no active or ended involvement in the coverage period")


def test_hidden_plan_does_not_become_the_last_involvement() -> None:
    ended = involvement(involvement_start=date(2022, 1, 1), involvement_end=date(2023, 1, 1),
                        plan_status="ended", most_recent_interaction=date(2022, 12, 1),
                        local_authority_organisation="South Team")
    planned = involvement(involvement_start=date(2025, 6, 1), plan_status="planned",
                          most_recent_interaction=date(2025, 6, 10))
    d = asc_card(ended, planned).details
    assert d is not None
    assert (d.involvement, d.local_authority_organisation) == ("Historic", "South Team")
    assert d.most_recent_interaction == date(2022, 12, 1)


def test_last_involvement_and_most_recent_interaction_across_involvements() -> None:
    first = involvement(involvement_start=date(2018, 1, 1), involvement_end=date(2019, 1, 1),
                        most_recent_interaction=date(2019, 1, 1), local_authority_organisation="A")
    second = involvement(involvement_start=date(2021, 3, 1), involvement_end=date(2022, 2, 1),
                         most_recent_interaction=None, local_authority_organisation="B")
    d = asc_card(first, second).details
    assert d is not None
    assert (d.involvement, d.local_authority_organisation) == ("Historic", "B")
    assert d.start_of_last_involvement == date(2021, 3, 1)
    assert d.most_recent_interaction == date(2019, 1, 1)


def test_involvement_ended_before_coverage_is_not_shown() -> None:
    card = asc_card(involvement(involvement_start=date(2010, 1, 1), involvement_end=date(2012, 1, 1)))
    assert not card.records_found


def test_blank_plan_status_is_shown() -> None:
    assert asc_card(involvement(plan_status="")).records_found
