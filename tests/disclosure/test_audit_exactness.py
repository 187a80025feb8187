"""One entry per exposure, distinct actions for the ecomap and the printout, one entry shape
from the web and the API (issue 16)."""

from __future__ import annotations

import pytest

from familycontext.governance.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

VIEWED = AuditAction.VIEWED_PERSON


def viewed() -> list[str]:
    return list(AuditEntry.objects.filter(action=VIEWED).order_by("sequence").values_list("person_id", flat=True))


def test_a_person_seen_through_several_api_calls_with_one_reason_is_one_viewed_person(refuge, api):
    for path in ("/api/person/detail/P00000001", "/api/person/detail/P00000001/service",
                 "/api/person/related/P00000001", "/api/v1/people/P00000001",
                 "/api/v1/people/P00000001/services", "/api/v1/people/P00000001/related"):
        assert api(path).status_code == 200, path
    assert viewed() == ["P00000001"]


def test_another_person_in_between_or_another_reason_is_a_new_exposure(refuge, api):
    api("/api/v1/people/P00000001")
    api("/api/v1/people/P00000002")
    api("/api/v1/people/P00000001")
    api("/api/v1/people/P00000001", HTTP_X_REASON_TYPE="section-17")
    assert viewed() == ["P00000001", "P00000002", "P00000001", "P00000001"]


def test_the_ecomap_and_printout_have_their_own_actions(refuge, web):
    web.get("/person/P00000001/ecomap")
    web.get("/person/P00000001/print")
    actions = set(AuditEntry.objects.values_list("action", "person_id"))
    assert ("shown_on_ecomap", "P00000002") in actions and ("printed", "P00000002") in actions
    assert not AuditEntry.objects.filter(action=VIEWED).exists()  # nobody's page was opened


def test_entries_from_web_and_api_have_the_same_shape(refuge, web, api):
    web.get("/person/P00000001")
    api("/api/v1/people/P00000002")
    web_entry, api_entry = AuditEntry.objects.filter(action=VIEWED).order_by("sequence")
    for entry in (web_entry, api_entry):
        assert (entry.reason_cms_id, entry.reason_type, entry.username) == ("CMS100", "section_47", "pat")
        assert entry.client_address == "127.0.0.1" and entry.person_date_of_birth
