"""The Conditions page (SPEC 5.5): what each card includes and excludes, in plain English,
generated from the live configuration so the page can never drift from what the cards do."""

from __future__ import annotations

from dataclasses import dataclass

from familycontext.config.settings import Configuration
from familycontext.involvement.ages import band_sentence
from familycontext.involvement.police import limit_phrase
from familycontext.sources.services import (
    ADULT_SOCIAL_CARE,
    HOUSING,
    POLICE,
    SCHOOL,
    SERVICE_LABELS,
)


@dataclass(frozen=True)
class ConditionSection:
    service: str
    title: str
    included: tuple[str, ...]
    excluded: tuple[str, ...]


def months_text(months: int) -> str:
    """'12 months (1 year)', '60 months (5 years)', '18 months', '1 month'."""
    unit = "month" if months == 1 else "months"
    if months and months % 12 == 0:
        years = months // 12
        return f"{months} {unit} ({years} year{'s' if years != 1 else ''})"
    return f"{months} {unit}"


def _list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _school(config: Configuration) -> ConditionSection:
    return ConditionSection(
        SCHOOL, SERVICE_LABELS[SCHOOL],
        included=(
            band_sentence(SERVICE_LABELS[SCHOOL], config.age_bands.school) + ".",
            "Current enrolments, and historic enrolments that ended within the source's coverage period.",
            "School name, admission type and the contact at the school.",
        ),
        excluded=(
            "Enrolments that ended before the source's coverage start date.",
            "If a child is registered at more than one school at the same time, only the main "
            "registration is shown.",
        ),
    )


def _housing(config: Configuration) -> ConditionSection:
    h = config.housing
    return ConditionSection(
        HOUSING, SERVICE_LABELS[HOUSING],
        included=(
            band_sentence(SERVICE_LABELS[HOUSING], config.age_bands.housing) + ".",
            "Current tenancies, and historic tenancies that ended within the source's coverage period: "
            "housing association, tenancy start date and contact.",
            "Anti-social behaviour: cases where the person is the perpetrator, open at any time in "
            "the coverage period.",
            f"Rent arrears: open cases with more than {h.rent_arrears_min_weeks} weeks' arrears show "
            "as 'Case open'; cases closed within the coverage period show as 'Case closed'.",
            f"Notice seeking possession: cases open at any time in the last "
            f"{months_text(h.notice_seeking_possession_months)}.",
            f"Eviction: cases open at any time in the last {months_text(h.eviction_months)}.",
        ),
        excluded=(
            "Anti-social behaviour cases where the person was the victim.",
            f"Open rent arrears cases with {h.rent_arrears_min_weeks} weeks' arrears or less.",
            "Older cases outside these periods.",
        ),
    )


def _asc(config: Configuration) -> ConditionSection:
    return ConditionSection(
        ADULT_SOCIAL_CARE, SERVICE_LABELS[ADULT_SOCIAL_CARE],
        included=(
            band_sentence(SERVICE_LABELS[ADULT_SOCIAL_CARE], config.age_bands.adult_social_care) + ".",
            "Current involvements (no end date, or an end date still to come) and historic involvements that ended within the "
            "source's coverage period.",
            "Local authority organisation, contact, start date of the last involvement and date of "
            "the most recent interaction.",
        ),
        excluded=("Plans that are only planned or were cancelled.",),
    )


def _police(config: Configuration) -> ConditionSection:
    p = config.police
    return ConditionSection(
        POLICE, SERVICE_LABELS[POLICE],
        included=(
            band_sentence(SERVICE_LABELS[POLICE], config.age_bands.police) + ".",
            "Police area and contact.",
            f"Safeguarding offences ({_list(p.safeguarding_offence_types)}): convictions in the last "
            f"{months_text(p.safeguarding_conviction_months)} and suspect records in the last "
            f"{months_text(p.safeguarding_suspect_months)}. "
            f"A{limit_phrase(config)[1:]}, most recent first, each with date, type and nature "
            "of involvement.",
            f"Non-safeguarding offences ({_list(p.non_safeguarding_offence_types)}): only whether "
            f"records were found (Yes or No), for convictions in the last "
            f"{months_text(p.non_safeguarding_conviction_months)} and suspect records in the last "
            f"{months_text(p.non_safeguarding_suspect_months)}.",
        ),
        excluded=(
            "Offence types on neither list are never shown and are not counted.",
            "Any detail of non-safeguarding offences beyond whether records were found.",
            "Offences older than these periods.",
        ),
    )


def conditions(config: Configuration) -> list[ConditionSection]:
    """One section per service, in card order."""
    return [_school(config), _housing(config), _asc(config), _police(config)]
