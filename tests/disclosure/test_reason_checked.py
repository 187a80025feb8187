"""The reason for access is checked and asked before anything is disclosed (issue 16)."""

from __future__ import annotations

import pytest

from familycontext.governance.models import AuditAction, AuditEntry
from familycontext.governance.reason import SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


def with_config(settings, **reason):
    settings.CONFIG = settings.CONFIG.model_copy(update={
        "reason": settings.CONFIG.reason.model_copy(update=reason)})


@pytest.mark.parametrize("cms_id", ["zzz", "CMS0000000", "not-a-real-child <b>x</b>"])
def test_a_reason_naming_no_child_in_the_cms_is_refused_naming_the_field(refuge, signed_in, cms_id):
    page = signed_in.post("/reason", {"reason-cms-id": cms_id, "reason-type": "section_47"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="#reason-cms-id"' in html and "is not a child in the case management system" in html
    assert "<b>x</b>" not in html  # escaped, never markup
    assert signed_in.session.get(SESSION_KEY) is None


def test_a_child_in_the_cms_is_accepted(refuge, signed_in):
    response = signed_in.post("/reason", {"reason-cms-id": "CMS200", "reason-type": "section_17"})
    assert response.status_code == 302


def test_other_needs_a_description_of_the_configured_length(refuge, signed_in, settings):
    short = signed_in.post("/reason", {"reason-cms-id": "CMS100", "reason-type": "other", "reason-other": "x"})
    assert 'href="#reason-other"' in short.content.decode()
    assert "15 characters or more" in short.content.decode()
    fine = signed_in.post("/reason", {"reason-cms-id": "CMS100", "reason-type": "other",
                                      "reason-other": "Strategy discussion prep"})
    assert fine.status_code == 302
    with_config(settings, other_min_length=30)
    assert "30 characters or more" in signed_in.post("/reason", {
        "reason-cms-id": "CMS100", "reason-type": "other",
        "reason-other": "Strategy discussion prep"}).content.decode()


def test_the_form_is_prefilled_with_the_child_last_opened(refuge, web):
    web.get("/person/P00000001")  # Ava, CMS100, aged 9
    web.get(f"/person/{refuge.brother.id}")  # Leo, CMS202, aged 12
    web.get(f"/person/{refuge.mother.id}")  # an adult: not "the child"
    page = web.get("/reason").content.decode()
    assert 'value="CMS202"' in page


def test_the_reason_is_asked_before_the_first_search(refuge, signed_in):
    assert signed_in.get("/")["Location"] == "/reason?next=%2F"
    assert signed_in.get("/results")["Location"].startswith("/reason")
    response = signed_in.post("/", {"search-by": "name", "first-name": "Ava", "last-name": "Smith"})
    assert response["Location"].startswith("/reason")
    assert not AuditEntry.objects.filter(action=AuditAction.SEARCHED).exists()


def test_a_council_may_ask_it_before_the_first_person_view_instead(refuge, signed_in, settings):
    with_config(settings, asked_before="person")
    assert signed_in.get("/").status_code == 200
    assert signed_in.get("/person/P00000001")["Location"].startswith("/reason")


def test_every_search_and_result_entry_carries_the_reason_on_the_web(refuge, web):
    web.post("/", {"search-by": "name", "first-name": "Ava", "last-name": "Smith"})
    web.get("/results")
    entries = AuditEntry.objects.filter(action__in=[AuditAction.SEARCHED, AuditAction.SHOWN_IN_RESULTS])
    assert entries.count() >= 3
    assert {(e.reason_cms_id, e.reason_type) for e in entries} == {("CMS100", "section_47")}


def test_the_api_refuses_an_unknown_child_with_invalid_reason(refuge, api):
    response = api("/api/v1/people/P00000001", HTTP_X_REASON_CMS_ID="zzz")
    assert response.status_code == 400
    body = response.json()
    assert body["type"].endswith("/invalid-reason") and "X-Reason-CMS-Id" in body["detail"]
    other = api("/api/v1/people/P00000001", HTTP_X_REASON_TYPE="other", HTTP_X_REASON_TEXT="x")
    assert other.status_code == 400 and "X-Reason-Text" in other.json()["detail"]


def test_api_searches_need_a_reason_and_their_entries_carry_it(refuge, api, client):
    from familycontext.api.tokens import create_token

    bare = create_token("pat", ["read:people"], 30).secret
    refused = client.post("/api/v1/search/by-name", {"first_name": "Ava", "last_name": "Smith"},
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {bare}")
    assert refused.status_code == 400 and refused.json()["type"].endswith("/reason-required")
    assert api.post("/api/v1/search/by-name", {"first_name": "Ava", "last_name": "Smith"}).status_code == 200
    assert api.post("/api/search/person", {"firstName": "Ava", "lastName": "Smith"}).status_code == 200
    entries = AuditEntry.objects.filter(action__in=[AuditAction.SEARCHED, AuditAction.SHOWN_IN_RESULTS])
    assert entries.count() >= 4
    assert {(e.reason_cms_id, e.reason_type) for e in entries} == {("CMS100", "section_47")}
    assert all(e.client_address for e in entries)


def test_a_nul_character_is_refused_not_a_server_error(refuge, api, client):
    """PostgreSQL cannot hold a NUL in text: a reason or a search carrying one is a 400."""
    from familycontext.api.tokens import create_token

    bare = create_token("pat", ["read:people"], 30).secret
    reason = client.get("/api/v1/people/P00000001?reason_cms_id=CMS%00100&reason_type=section-47",
                        HTTP_AUTHORIZATION=f"Bearer {bare}")
    assert reason.status_code == 400 and reason.json()["type"].endswith("/invalid-reason")
    search = api.post("/api/search/person", {"firstName": "Ava\x00", "lastName": "Smith"})
    assert search.status_code == 400 and search.json()["results"] == []
