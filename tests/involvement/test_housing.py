from datetime import date
from decimal import Decimal

import pytest

from conftest import TODAY, case, config, source, tenancy
from familycontext.config.settings import Configuration
from familycontext.involvement.cards import ServiceRows, card_for
from familycontext.involvement.housing import HousingDetails

ADULT = date(1988, 5, 5)


def housing(tenancies=(), cases=(), cfg=None, src=None) -> HousingDetails | None:
    card = card_for("housing", date_of_birth=ADULT, source=src or source("Stockport Homes"),
                    rows=ServiceRows(tenancies=tenancies, cases=cases), today=TODAY,
                    config=cfg or Configuration())
    assert card.records_found is (card.details is not None)
    return card.details  # type: ignore[return-value]


def test_current_tenancy_with_association_start_and_contact() -> None:
    d = housing([tenancy()])
    assert d is not None
    assert (d.involvement, d.housing_association, d.tenancy_start) == (
        "Current", "Stockport Homes", date(2019, 4, 1))
    assert d.contact is not None and d.contact.mailto_href == "mailto:a.worker@example.gov.uk"
    assert [s for _, s in d.statuses] == ["No records found"] * 4


def test_historic_tenancy_and_tenancy_before_coverage() -> None:
    d = housing([tenancy(tenancy_end=date(2022, 3, 31))])
    assert d is not None and d.involvement == "Historic"
    assert housing([tenancy(tenancy_start=date(2001, 1, 1), tenancy_end=date(2014, 3, 31))]) is None


def test_no_records_found_names_the_source() -> None:
    card = card_for("housing", date_of_birth=ADULT, source=source("Stockport Homes"),
                    rows=ServiceRows(), today=TODAY, config=Configuration())
    assert card.flag_text == "No records found in Stockport Homes"


def test_asb_counts_the_perpetrator_only() -> None:
    victim = case("anti_social_behaviour", date(2024, 1, 1), role="victim")
    d = housing([tenancy()], [victim])
    assert d is not None and d.anti_social_behaviour == "No records found"
    perp = case("Anti-social behaviour", date(2024, 1, 1), role=" Perpetrator")
    d = housing([tenancy()], [victim, perp])
    assert d is not None and d.anti_social_behaviour == "Case open"


def test_asb_closed_within_coverage_and_before_coverage() -> None:
    closed = case("anti_social_behaviour", date(2016, 1, 1), date(2016, 6, 1), role="perpetrator")
    assert housing([tenancy()], [closed]).anti_social_behaviour == "Case closed"
    ancient = case("anti_social_behaviour", date(2012, 1, 1), date(2014, 6, 1), role="perpetrator")
    assert housing([tenancy()], [ancient]).anti_social_behaviour == "No case as perpetrator in the coverage period"
    assert housing([tenancy()], []).anti_social_behaviour == "No records found"


def test_open_case_beats_closed_case() -> None:
    cases = [case("anti_social_behaviour", date(2020, 1, 1), date(2020, 6, 1), role="perpetrator"),
             case("anti_social_behaviour", date(2025, 1, 1), role="perpetrator")]
    assert housing([tenancy()], cases).anti_social_behaviour == "Case open"


@pytest.mark.parametrize(
    ("weeks", "status"),
    [(Decimal("6.5"), "Case open"), (7, "Case open"), (6, "No open arrears over 6 weeks"),
     (Decimal("2.0"), "No open arrears over 6 weeks"), (None, "Case open")],
)
def test_open_rent_arrears_count_over_the_threshold_or_when_the_source_sent_no_figure(weeks, status) -> None:
    d = housing([tenancy()], [case("rent_arrears", date(2025, 3, 1), arrears_weeks=weeks)])
    assert d is not None and d.rent_arrears == status


def test_rent_arrears_closed_within_coverage() -> None:
    closed = case("rent_arrears", date(2023, 1, 1), date(2023, 5, 1), arrears_weeks=10)
    small_open = case("rent_arrears", date(2025, 3, 1), arrears_weeks=1)
    assert housing([tenancy()], [closed, small_open]).rent_arrears == "Case closed"
    old = case("rent_arrears", date(2012, 1, 1), date(2013, 5, 1), arrears_weeks=10)
    assert housing([tenancy()], [old]).rent_arrears == "No open arrears over 6 weeks"
    assert housing([tenancy()], []).rent_arrears == "No records found"


def test_rent_arrears_threshold_comes_from_configuration() -> None:
    rows = [case("rent_arrears", date(2025, 3, 1), arrears_weeks=4)]
    assert housing([tenancy()], rows).rent_arrears == "No open arrears over 6 weeks"
    assert housing([tenancy()], rows, cfg=config(housing={"rent_arrears_min_weeks": 5})).rent_arrears == (
        "No open arrears over 5 weeks")
    cfg = config(housing={"rent_arrears_min_weeks": 3})
    assert housing([tenancy()], rows, cfg=cfg).rent_arrears == "Case open"


@pytest.mark.parametrize("case_type", ["notice_seeking_possession", "eviction"])
def test_twelve_month_window_for_notices_and_evictions(case_type: str) -> None:
    field = case_type
    on_boundary = case(case_type, date(2024, 1, 1), date(2024, 6, 15))  # exactly 12 months ago
    just_outside = case(case_type, date(2024, 1, 1), date(2024, 6, 14))
    long_open = case(case_type, date(2020, 1, 1))
    assert getattr(housing([tenancy()], [on_boundary]), field) == "Case closed"
    assert getattr(housing([tenancy()], [just_outside]), field) == "None in the last 12 months"
    assert getattr(housing([tenancy()], [long_open, on_boundary]), field) == "Case open"


def test_notice_window_comes_from_configuration() -> None:
    rows = [case("notice_seeking_possession", date(2023, 1, 1), date(2023, 9, 1))]
    assert housing([tenancy()], rows).notice_seeking_possession == "None in the last 12 months"
    cfg = config(housing={"notice_seeking_possession_months": 24})
    assert housing([tenancy()], rows, cfg=cfg).notice_seeking_possession == "Case closed"


def test_cases_without_a_tenancy_still_find_records() -> None:
    d = housing([], [case("eviction", date(2025, 5, 1))])
    assert d is not None
    assert d.involvement is None and d.eviction == "Case open"
