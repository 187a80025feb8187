"""/api/v1: every endpoint's responses match the generated OpenAPI document, with the web's rules."""

from __future__ import annotations

import pytest

from familycontext.governance.models import AuditAction, AuditEntry
from tests.api.conftest import REASON
from tests.api.contract import check, generated

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_openapi_document_is_served_and_lists_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/v1/search/by-name", "/api/v1/search/by-identifier", "/api/v1/people/{person_id}",
                 "/api/v1/people/{person_id}/services", "/api/v1/people/{person_id}/services/{service}",
                 "/api/v1/people/{person_id}/related", "/api/v1/sources", "/api/v1/me"]:
        assert path in paths
    assert "application/problem+json" in paths["/api/v1/people/{person_id}"]["get"]["responses"]["400"]["content"]


def test_docs_page_uses_bundled_swagger_without_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_no_credentials_is_a_401_problem(client, family):
    response = client.get("/api/v1/people/P00000001", **REASON)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys() and body["status"] == 401
    check(generated(), response)


def test_search_by_name_finds_the_child_and_audits_search_and_results(client, family, auth):
    response = client.post("/api/v1/search/by-name?limit=1", {"first_name": "Ava", "last_name": "Smith"},
                           content_type=JSON, **auth, **REASON)
    assert response.status_code == 200, response.content
    check(generated(), response)
    body = response.json()
    assert body["total"] == 2 and len(body["results"]) == 1
    assert body["links"]["next"] == "/api/v1/search/by-name?limit=1&offset=1"
    assert AuditEntry.objects.filter(action=AuditAction.SEARCHED, username="pat").count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.SHOWN_IN_RESULTS).count() == 1


def test_search_by_identifier_finds_cms_id(client, family, auth):
    response = client.post("/api/v1/search/by-identifier", {"identifier": "CMS100"}, content_type=JSON, **auth, **REASON)
    check(generated(), response)
    assert [r["id"] for r in response.json()["results"]] == ["P00000001"]


def test_invalid_body_is_a_422_problem(client, family, auth):
    response = client.post("/api/v1/search/by-name", {"first_name": ""}, content_type=JSON, **auth, **REASON)
    assert response.status_code == 422
    check(generated(), response)
    assert "last_name" in response.json()["detail"]


def test_person_without_reason_says_how_to_give_one(client, family, auth):
    response = client.get("/api/v1/people/P00000001", **auth)
    assert response.status_code == 400
    check(generated(), response)
    assert "X-Reason-CMS-Id" in response.json()["detail"]
    assert not AuditEntry.objects.filter(action=AuditAction.VIEWED_PERSON).exists()


def test_reason_by_query_parameters_and_other_needs_text(client, family, auth):
    ok = client.get("/api/v1/people/P00000001?reason_cms_id=CMS100&reason_type=section-17", **auth)
    assert ok.status_code == 200
    bad = client.get("/api/v1/people/P00000001?reason_cms_id=CMS100&reason_type=other", **auth)
    assert bad.status_code == 400 and "X-Reason-Text" in bad.json()["detail"]


def test_person_details_are_audited_with_the_reason(client, family, auth):
    response = client.get("/api/v1/people/P00000002", **auth, **REASON)
    assert response.status_code == 200
    check(generated(), response)
    body = response.json()
    assert body["first_name"] == "Jane" and body["addresses"]
    entry = AuditEntry.objects.get(action=AuditAction.VIEWED_PERSON)
    assert (entry.person_id, entry.reason_cms_id, entry.reason_type, entry.username) == \
        ("P00000002", "CMS100", "section_47", "pat")


def test_restricted_person_has_no_address_and_details_need_break_glass(client, family, auth):
    person = client.get("/api/v1/people/P00000004", **auth, **REASON)
    assert person.status_code == 200 and person.json()["addresses"] == []
    details = client.get("/api/v1/people/P00000004/services/housing", **auth, **REASON)
    assert details.status_code == 403
    check(generated(), details)
    assert "break-glass" in details.json()["type"] and "web app" in details.json()["detail"]


def test_services_are_closed_cards_without_details(client, family, auth):
    response = client.get("/api/v1/people/P00000002/services", **auth, **REASON)
    check(generated(), response)
    cards = {c["service"]: c for c in response.json()}
    assert list(cards) == ["school", "housing", "adult-social-care", "police"]
    assert cards["police"]["records_found"] is True and "police" not in cards["police"]
    assert cards["school"]["shown_for_age"] is False  # Jane is 35
    assert cards["police"]["details_url"] == "/api/v1/people/P00000002/services/police"
    assert cards["police"]["freshness"]["coverage_area"] == "Exampleton"


def test_opening_police_details_follows_the_display_rules_and_is_audited(client, family, auth):
    response = client.get("/api/v1/people/P00000002/services/police", **auth, **REASON)
    assert response.status_code == 200
    check(generated(), response)
    police = response.json()["police"]
    assert [o["offence_type"] for o in police["safeguarding_offences"]] == ["Violence with injury"]
    assert police["non_safeguarding_records_found"] is True
    assert AuditEntry.objects.filter(action=AuditAction.VIEWED_POLICE, person_id="P00000002").count() == 1


def test_service_out_of_age_band_is_404(client, family, auth):
    response = client.get("/api/v1/people/P00000001/services/police", **auth, **REASON)
    assert response.status_code == 404
    check(generated(), response)
    assert "18" in response.json()["detail"]


def test_related_individuals(client, family, auth):
    response = client.get("/api/v1/people/P00000001/related", **auth, **REASON)
    check(generated(), response)
    body = response.json()
    assert [(r["relationship"], r["person"]["id"]) for r in body["linked_in_cms"]] == [("Mother", "P00000002")]
    assert "P00000004" not in [p["id"] for p in body["same_address"]]  # restricted: never listed
    # Asked about the mother, her child is her daughter: the same words as the person page.
    mother = client.get("/api/v1/people/P00000002/related", **auth, **REASON).json()
    assert [(r["relationship"], r["person"]["id"]) for r in mother["linked_in_cms"]] == [
        ("Daughter (this person is her mother)", "P00000001")]


def test_sources_list_freshness(client, family, auth):
    response = client.get("/api/v1/sources", **auth)
    check(generated(), response)
    assert {s["service"] for s in response.json()} == {"cms", "school", "housing", "adult-social-care", "police"}


def test_unknown_person_and_unknown_path_are_404_problems(client, family, auth):
    missing = client.get("/api/v1/people/NOPE", **auth, **REASON)
    assert missing.status_code == 404
    check(generated(), missing)
    nowhere = client.get("/api/v2/anything", **auth)
    assert nowhere.status_code == 404 and nowhere["Content-Type"] == "application/problem+json"


def test_responses_are_not_cached(client, family, auth):
    response = client.get("/api/v1/people/P00000002", **auth, **REASON)
    assert response["Cache-Control"] == "no-store"


def test_signed_in_browser_session_works_but_post_needs_csrf(family, practitioner):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(practitioner)
    assert browser.get("/api/v1/me").json()["authentication"] == "session"
    refused = browser.post("/api/v1/search/by-name", {"first_name": "Ava", "last_name": "Smith"},
                           content_type=JSON)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]


def test_implausible_date_of_birth_is_refused_not_a_server_error(client, family, auth):
    # Schemathesis found year 0001 crashing the matcher (people.matching.one_digit_away).
    response = client.post("/api/v1/search/by-name", {"first_name": "Ava", "last_name": "Smith",
                                                      "date_of_birth": "0001-01-01"},
                           content_type=JSON, **auth)
    assert response.status_code == 422
    check(generated(), response)


def test_addresses_never_hold_an_empty_string_and_the_schema_says_so(client, family, auth):
    """Issue 17: a record with only a postcode, or with neither, adds no empty address."""
    from familycontext.sources.models import Snapshot, SourceRecord

    child = SourceRecord.objects.filter(person_id="P00000001").select_related("snapshot").first()
    police = Snapshot.objects.get(live=True, source__service="police")
    SourceRecord.objects.create(snapshot=police, record_id="PC-ONLY", person_id="P00000001",
                                first_name="Ava", last_name="Smith", address="", postcode=child.postcode)
    SourceRecord.objects.create(snapshot=police, record_id="PC-NONE", person_id="P00000001",
                                first_name="Ava", last_name="Smith", address="  ", postcode="")
    body = client.get("/api/v1/people/P00000001", **auth, **REASON).json()
    assert body["addresses"], body
    for address in body["addresses"]:
        assert address["address"] != "" and address["postcode"] != "" and (address["address"] or address["postcode"])
        assert "" not in address["sources"]
    assert any(police.source.name in a["sources"] for a in body["addresses"])  # joined to the home it names
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["SourcedAddress"]["properties"]
    assert "never an empty string" in schema["address"]["description"]
    assert any(option.get("minLength") == 1 for option in schema["address"].get("anyOf", [schema["address"]]))
