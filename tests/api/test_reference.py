"""The reference API contract: a client written for the reference implementation works here."""

from __future__ import annotations

import pytest

from familycontext.governance.models import AuditAction, AuditEntry
from tests.api.conftest import REASON
from tests.api.contract import check, reference
from tests.web.family import PASSWORD

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_login_as_the_reference_client_does_then_status(client, family, practitioner):
    response = client.post("/api/auth/login", {"userid": "pat", "password": PASSWORD,
                                               "reason": {"cmsId": "CMS100", "type": "section-47"}},
                           content_type=JSON)
    assert response.status_code == 302 and response["Location"] == "/api/auth/status"
    status = client.get("/api/auth/status")
    assert status.status_code == 200
    check(reference(), status)
    assert status.json()["status"] == "authenticated"
    # the reason given at login serves the person calls of this session
    assert client.get("/api/person/detail/fc:P00000001").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.SIGNED_IN, username="pat").exists()


def test_wrong_password_is_401_and_audited(client, family, practitioner):
    response = client.post("/api/auth/login", {"userid": "pat", "password": "nope"}, content_type=JSON)
    assert response.status_code == 401
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED).exists()


def test_status_without_credentials_is_401(client, db):
    assert client.get("/api/auth/status").status_code == 401


def test_search_person_matches_the_contract(client, family, auth):
    assert client.head("/api/search/person", **auth).status_code == 200
    response = client.post("/api/search/person", {"firstName": "Ava", "lastName": "Smith",
                                                  "paginationDetails": {"resultsPerPage": 1, "pageNumber": 2}},
                           content_type=JSON, **auth)
    assert response.status_code == 200
    check(reference(), response)
    body = response.json()
    assert body["paginationInfo"] == {"totalResults": 2, "resultsPerPage": 1, "pageNumber": 2}
    assert len(body["results"]) == 1


def test_person_detail_accepts_the_clients_fc_prefix_and_cms_ids(client, family, auth):
    for person_id in ("P00000001", "fc:P00000001", "cms:CMS100"):
        response = client.get(f"/api/person/detail/{person_id}", **auth, **REASON)
        assert response.status_code == 200, person_id
        check(reference(), response)
        assert response.json()["id"] == "P00000001"
        assert response.json()["gender"] == "female"


def test_person_without_reason_is_a_400_problem(client, family, auth):
    response = client.get("/api/person/detail/P00000001", **auth)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"


def test_service_summaries_only_for_the_age_band(client, family, auth):
    response = client.get("/api/person/detail/P00000002/service", **auth, **REASON)
    check(reference(), response)
    ids = [s["id"] for s in response.json()]
    assert ids == ["Housing", "AdultSocialCare", "Police"]  # Jane is 35: no School


@pytest.mark.parametrize("service", ["Housing", "AdultSocialCare", "Police"])
def test_service_detail_carries_ordered_schema_and_data(client, family, auth, service):
    response = client.get(f"/api/person/detail/P00000002/service/{service}", **auth, **REASON)
    assert response.status_code == 200
    check(reference(), response)
    body = response.json()
    properties = body["schema"]["properties"]
    assert all("x-item-seq" in p for p in properties.values())
    assert "$ref" not in str(body["schema"])
    assert set(body["data"]) <= set(properties)


def test_police_detail_uses_the_display_rules(client, family, auth):
    data = client.get("/api/person/detail/P00000002/service/Police", **auth, **REASON).json()["data"]
    assert [o["typeOfOffence"] for o in data["safeGuardingOffences"]] == ["Violence with injury"]
    assert data["nonSafeGuardingOffences"] == [{"recordsFound": "Yes"}]
    assert AuditEntry.objects.filter(action=AuditAction.VIEWED_POLICE).count() == 1


def test_restricted_service_detail_is_forbidden(client, family, auth):
    response = client.get("/api/person/detail/P00000004/service/Housing", **auth, **REASON)
    assert response.status_code == 403


def test_related_individuals_with_and_without_trailing_slash(client, family, auth):
    assert client.head("/api/person/related/P00000001", **auth).status_code == 200
    for path in ("/api/person/related/P00000001/", "/api/person/related/fc:P00000001"):
        response = client.get(path, **auth, **REASON)
        assert response.status_code == 200
        body = response.json()
        assert body[0]["relationship"] == "Mother" and body[0]["relationshipToId"] == "P00000001"
        assert "P00000004" not in [p["id"] for p in body]
    check(reference(), client.get("/api/person/related/P00000001/", **auth, **REASON))


def test_the_contract_document_is_served(client):
    response = client.get("/api/reference/family-context-api-v0.0.1.yaml")
    assert response.status_code == 200 and b"/api/search/person" in response.content
