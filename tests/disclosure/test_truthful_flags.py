"""A card says "No records found in S" only when S holds no record of the person; the page's
provenance (addresses with their sources) never contradicts a flag (issue 16)."""

from __future__ import annotations

import re

import pytest

from familycontext.disclosure import Disclosure
from familycontext.people.models import Person

pytestmark = pytest.mark.django_db


def test_no_card_says_no_records_found_in_a_source_the_page_names(refuge, web):
    """Every person of the test families: the sources of their addresses are never "No records found"."""
    for person in Person.objects.all():
        disclosed = Disclosure().person(person)
        if disclosed.restricted:
            continue
        named = {s for a in disclosed.addresses for s in a.sources}
        page = web.get(f"/person/{person.id}").content.decode()
        for source in named:
            assert f"No records found</strong> <span class=\"fc-flag__source\">in {source}" not in page, (
                person, source)
        for card in disclosed.cards:
            if card.source_name in named and card.shown_for_age:
                assert card.known, (person, card.service)


def test_a_housing_record_without_tenancy_or_case_reads_known_with_the_rule(refuge, web):
    # Tom Brown (the lodger) is on the housing file with no tenancy or case
    page = web.get("/person/P00000003").content.decode()
    assert "Known to Exampleton Homes: no tenancy or case in the periods shown" in page
    assert re.search(r"rent arrears count over 6 weeks", page)
    assert 'href="/conditions"' in page
    details = web.get("/person/P00000003/service/housing", HTTP_X_REQUESTED_WITH="fetch")
    assert details.status_code == 200 and "Contact" in details.content.decode()


def test_the_api_says_known_and_gives_the_contact(refuge, api):
    cards = {c["service"]: c for c in api("/api/v1/people/P00000003/services").json()}
    housing = cards["housing"]
    assert housing["known"] is True and housing["records_found"] is False
    assert housing["flag_text"].startswith("Known to Exampleton Homes")
    assert housing["details_url"]
    assert cards["school"]["known"] is False  # Tom is not on the school file (and is out of band)
