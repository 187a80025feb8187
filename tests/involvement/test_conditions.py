from conftest import config
from familycontext.config.settings import Configuration
from familycontext.involvement.conditions import conditions, months_text


def _text(cfg: Configuration) -> dict[str, str]:
    return {s.service: " ".join(s.included + s.excluded) for s in conditions(cfg)}


def test_one_section_per_service_in_card_order() -> None:
    sections = conditions(Configuration())
    assert [s.title for s in sections] == ["School", "Housing", "Adult Social Care", "Police"]
    assert all(s.included and s.excluded for s in sections)


def test_default_conditions_state_bands_windows_and_lists() -> None:
    text = _text(Configuration())
    assert "aged 4 to 20" in text["school"]
    assert "only the main registration" in text["school"]
    assert "aged 16 and over" in text["housing"] and "more than 6 weeks" in text["housing"]
    assert "perpetrator" in text["housing"] and "12 months (1 year)" in text["housing"]
    assert "aged 15 and over" in text["adult_social_care"]
    assert "planned" in text["adult_social_care"] and "cancelled" in text["adult_social_care"]
    police = text["police"]
    assert "aged 18 and over" in police
    assert "convictions in the last 60 months (5 years)" in police
    assert "convictions in the last 24 months (2 years)" in police
    assert "A maximum of 3 are listed" in police
    assert "Violence without injury" in police and "Trafficking in controlled drugs" in police
    assert "never shown" in police
    assert "current" not in police.lower()


def test_conditions_follow_the_configuration() -> None:
    cfg = config(
        age_bands={"police": {"min_age": 16}},
        police={"max_safeguarding_offences": 2, "safeguarding_suspect_months": 18},
        housing={"eviction_months": 6, "rent_arrears_min_weeks": 4},
    )
    text = _text(cfg)
    assert "aged 16 and over" in text["police"]
    assert "A maximum of 2 are listed" in text["police"]
    assert "suspect records in the last 18 months" in text["police"]
    assert "Eviction: cases open at any time in the last 6 months." in text["housing"]
    assert "more than 4 weeks" in text["housing"]


def test_months_text() -> None:
    assert months_text(1) == "1 month"
    assert months_text(12) == "12 months (1 year)"
    assert months_text(18) == "18 months"
    assert months_text(0) == "0 months"


def test_conditions_are_reachable_from_the_cards_module() -> None:
    from familycontext.involvement import cards

    assert cards.conditions(Configuration()) == conditions(Configuration())
