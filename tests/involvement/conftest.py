"""Row builders for the display-rule tests: plain namespaces with SPEC 3 attribute names.

The rules are duck-typed over Django rows, so namespaces prove they need no database.
"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from familycontext.config.settings import Configuration
from familycontext.involvement.cards import SourceFacts

TODAY = date(2025, 6, 15)


def contact(**kw: object) -> dict[str, object]:
    base = {"contact_name": "A Worker", "contact_role": "Lead", "contact_phone": "0161 123 4567",
            "contact_email": "a.worker@example.gov.uk"}
    base.update(kw)
    return base


def enrolment(**kw: object) -> SimpleNamespace:
    base = {"school_name": "Hillside Primary", "admission_type": "Main provision",
            "enrolment_start": date(2021, 9, 1), "enrolment_end": None, **contact()}
    base.update(kw)
    return SimpleNamespace(**base)


def tenancy(**kw: object) -> SimpleNamespace:
    base = {"housing_association": "Stockport Homes", "tenancy_start": date(2019, 4, 1),
            "tenancy_end": None, **contact()}
    base.update(kw)
    return SimpleNamespace(**base)


def case(case_type: str, opened: date, closed: date | None = None, **kw: object) -> SimpleNamespace:
    base = {"case_type": case_type, "opened": opened, "closed": closed,
            "arrears_weeks": None, "role": ""}
    base.update(kw)
    return SimpleNamespace(**base)


def involvement(**kw: object) -> SimpleNamespace:
    base = {"local_authority_organisation": "Adult Social Care North",
            "involvement_start": date(2024, 1, 10), "involvement_end": None,
            "most_recent_interaction": date(2025, 5, 1), "plan_status": "active", **contact()}
    base.update(kw)
    return SimpleNamespace(**base)


def police_person(**kw: object) -> SimpleNamespace:
    base = {"police_area": "Greater Manchester Police area", **contact()}
    base.update(kw)
    return SimpleNamespace(**base)


def offence(day: date, offence_type: str = "Robbery", nature: str = "Convicted") -> SimpleNamespace:
    return SimpleNamespace(offence_date=day, offence_type=offence_type, nature_of_involvement=nature)


def source(name: str = "Synergy", *, as_of: datetime | None = None,
           coverage_start: date | None = date(2015, 1, 1),
           coverage_end: date | None = date(2025, 6, 14)) -> SourceFacts:
    return SourceFacts(
        name=name,
        date_current_as_of=as_of or datetime(2025, 6, 14, 6, 0),
        coverage_start=coverage_start,
        coverage_end=coverage_end,
        coverage_area="Stockport",
        coverage_explanation="Pupils on roll at Stockport schools since 2015.",
    )


def config(**sections: dict[str, object]) -> Configuration:
    """Defaults, with some sections changed, validated like the real file."""
    return Configuration.model_validate(sections)


@pytest.fixture
def default_config() -> Configuration:
    return Configuration()
