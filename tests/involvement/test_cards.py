from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from conftest import TODAY, config, enrolment, involvement, offence, police_person, source, tenancy
from familycontext.config.settings import Configuration
from familycontext.involvement.cards import (
    CARD_SERVICES,
    ServiceRows,
    SourceFacts,
    card_for,
    cards_for,
)

EVERYTHING = {
    "school": ServiceRows(enrolments=[enrolment()]),
    "housing": ServiceRows(tenancies=[tenancy()]),
    "adult_social_care": ServiceRows(involvements=[involvement()]),
    "police": ServiceRows(police_contacts=[police_person()], offences=[offence(date(2025, 1, 1))]),
}
ALL_SOURCES = {s: source(f"{s} system") for s in CARD_SERVICES}


def test_cards_come_in_display_order_with_titles() -> None:
    cards = cards_for(date_of_birth=date(1985, 1, 1), sources=ALL_SOURCES, rows=EVERYTHING,
                      today=TODAY, config=Configuration())
    assert [c.title for c in cards] == ["School", "Housing", "Adult Social Care", "Police"]
    # a 40-year-old is outside the school band and inside the others
    assert [c.shown_for_age for c in cards] == [False, True, True, True]
    assert cards[0].age_note == "School information is shown for people aged 4 to 20"
    assert cards[0].details is None and not cards[0].records_found


def test_no_date_of_birth_shows_every_card_marked() -> None:
    cards = cards_for(date_of_birth=None, sources=ALL_SOURCES, rows=EVERYTHING, today=TODAY,
                      config=Configuration())
    assert all(c.shown_for_age and c.age_unknown and c.records_found for c in cards)
    assert all(c.age_note and "Date of birth not known" in c.age_note for c in cards)
    assert "aged 18 and over" in cards[3].age_note


def test_known_date_of_birth_is_not_marked() -> None:
    card = card_for("housing", date_of_birth=date(1985, 1, 1), source=source(),
                    rows=EVERYTHING["housing"], today=TODAY, config=Configuration())
    assert not card.age_unknown and card.age_note is None


def test_service_not_loaded_says_so_plainly() -> None:
    card = card_for("adult_social_care", date_of_birth=date(1985, 1, 1), source=None,
                    rows=EVERYTHING["adult_social_care"], today=TODAY, config=Configuration())
    assert not card.loaded and not card.records_found and card.details is None
    assert card.source_name is None and card.freshness is None
    assert card.flag_text.startswith("No Adult Social Care information has been loaded")
    assert "No records found" not in card.flag_text


def test_missing_source_in_cards_for_is_not_loaded() -> None:
    cards = cards_for(date_of_birth=date(1985, 1, 1), sources={"police": source()}, rows={},
                      today=TODAY, config=Configuration())
    assert [c.loaded for c in cards] == [False, False, False, True]
    assert cards[3].flag_text == "No records found in Synergy"


def test_every_card_carries_source_and_coverage_facts() -> None:
    card = card_for("school", date_of_birth=date(2015, 1, 1), source=source("Synergy"),
                    rows=ServiceRows(), today=TODAY, config=Configuration())
    f = card.freshness
    assert card.source_name == "Synergy"
    assert f is not None
    assert (f.as_of, f.coverage_start, f.coverage_end, f.coverage_area) == (
        datetime(2025, 6, 14, 6, 0), date(2015, 1, 1), date(2025, 6, 14), "Stockport")
    assert f.coverage_explanation.startswith("Pupils on roll")
    assert not f.stale and f.stale_note is None


@pytest.mark.parametrize(("as_of", "stale"), [
    (datetime(2025, 6, 8, 23, 59), False),  # 7 days old: at the limit, not over it
    (datetime(2025, 6, 7, 0, 1), True),  # 8 days old
    (datetime(2025, 6, 7, 23, 0, tzinfo=UTC), True),
])
def test_stale_snapshot_warning(as_of: datetime, stale: bool) -> None:
    card = card_for("school", date_of_birth=date(2015, 1, 1), source=source("Synergy", as_of=as_of),
                    rows=ServiceRows(), today=TODAY, config=Configuration())
    assert card.freshness is not None and card.freshness.stale is stale
    if stale:
        assert card.freshness.stale_note is not None
        assert "8 days old" in card.freshness.stale_note and "Synergy" in card.freshness.stale_note


def test_staleness_threshold_comes_from_configuration() -> None:
    src = source(as_of=datetime(2025, 6, 12))
    cfg = config(freshness={"stale_after_days": 2})
    card = card_for("school", date_of_birth=None, source=src, rows=ServiceRows(), today=TODAY,
                    config=cfg)
    assert card.freshness is not None and card.freshness.stale
    default = card_for("school", date_of_birth=None, source=src, rows=ServiceRows(), today=TODAY,
                       config=Configuration())
    assert default.freshness is not None and not default.freshness.stale


def test_source_facts_from_a_snapshot_like_object() -> None:
    snapshot = SimpleNamespace(
        source=SimpleNamespace(name="Stockport Homes"),
        date_current_as_of=datetime(2025, 6, 1, 9, 30),
        coverage_start=date(2018, 4, 1), coverage_end=None,
        coverage_area="Stockport", coverage_explanation="",
    )
    facts = SourceFacts.from_snapshot(snapshot)
    assert facts == SourceFacts("Stockport Homes", datetime(2025, 6, 1, 9, 30), date(2018, 4, 1),
                                None, "Stockport", "")


def test_unknown_service_is_an_error() -> None:
    with pytest.raises(ValueError, match="no card for service"):
        card_for("cms", date_of_birth=None, source=None, rows=ServiceRows(), today=TODAY,
                 config=Configuration())


def test_changing_an_age_band_changes_which_cards_show() -> None:
    cfg = config(age_bands={"school": {"min_age": 4, "max_age": 25}})
    card = card_for("school", date_of_birth=date(2002, 1, 1), source=source(),
                    rows=EVERYTHING["school"], today=TODAY, config=cfg)
    assert card.shown_for_age and card.records_found
    default = card_for("school", date_of_birth=date(2002, 1, 1), source=source(),
                       rows=EVERYTHING["school"], today=TODAY, config=Configuration())
    assert not default.shown_for_age


def test_cards_are_immutable() -> None:
    card = card_for("school", date_of_birth=None, source=source(), rows=EVERYTHING["school"],
                    today=TODAY, config=Configuration())
    with pytest.raises(AttributeError):
        card.records_found = False  # type: ignore[misc]


def test_rules_accept_unsaved_django_rows() -> None:
    from decimal import Decimal

    from familycontext.sources.models import HousingCase, HousingTenancy, PoliceOffence

    rows = ServiceRows(
        tenancies=[HousingTenancy(housing_association="Stockport Homes",
                                  tenancy_start=date(2020, 1, 1), contact_phone="0161 000 1111")],
        cases=[HousingCase(case_type="rent_arrears", opened=date(2025, 1, 1),
                           arrears_weeks=Decimal("8.5"))],
    )
    card = card_for("housing", date_of_birth=date(1980, 1, 1), source=source(), rows=rows,
                    today=TODAY, config=Configuration())
    assert card.details is not None and card.details.rent_arrears == "Case open"
    police = card_for("police", date_of_birth=date(1980, 1, 1), source=source(),
                      rows=ServiceRows(offences=[PoliceOffence(
                          offence_date=date(2025, 1, 1), offence_type="Robbery",
                          nature_of_involvement="Suspect")]),
                      today=TODAY, config=Configuration())
    assert police.records_found
