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
                           content_type=JSON, **auth, **REASON)
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


def test_restricted_service_detail_is_locked_not_a_403_which_the_client_reads_as_signed_out(
        client, family, auth):
    response = client.get("/api/person/detail/P00000004/service/Housing", **auth, **REASON)
    assert response.status_code == 423
    assert response.json()["type"].endswith("/break-glass-required")
    assert "break-glass" in response.json()["detail"]


def test_search_takes_the_clients_iso_timestamp_for_a_date_of_birth(client, family, auth):
    born = family.child.date_of_birth.isoformat()
    for given in (born, born + "T00:00:00.000Z"):
        response = client.post("/api/search/person", {"firstName": "Ava", "lastName": "Smith", "dateOfBirth": given},
                               content_type=JSON, **auth, **REASON)
        assert response.status_code == 200, given
        assert response.json()["results"][0]["id"] == "P00000001"
    searched = AuditEntry.objects.filter(action=AuditAction.SEARCHED).last()
    assert searched.search_terms["date_of_birth"] == born


def test_a_refused_search_still_carries_an_empty_result_list_for_the_client(client, family, auth):
    response = client.post("/api/search/person", {"firstName": "Ava", "lastName": "Smith",
                                                  "dateOfBirth": "2999-01-01T00:00:00.000Z"},
                           content_type=JSON, **auth)
    assert response.status_code == 400
    body = response.json()
    assert body["results"] == [] and "dateOfBirth" in body["detail"]


def test_every_field_the_client_reads_is_present_even_when_empty(client, family, auth):
    results = client.post("/api/search/person", {"firstName": "Rose", "lastName": "Hidden"},
                          content_type=JSON, **auth, **REASON).json()["results"]
    hidden = next(p for p in results if p["id"] == "P00000004")
    assert hidden["address"] == "" and hidden["cmsId"] == ""  # restricted: no address; not in the CMS
    lodger = client.get("/api/person/detail/P00000003", **auth, **REASON)
    check(reference(), lodger)
    assert {"id", "cmsId", "firstName", "lastName", "address"} <= set(lodger.json())


def test_every_service_summary_has_the_fields_the_client_reads(client, family, auth):
    summaries = client.get("/api/person/detail/P00000002/service", **auth, **REASON).json()
    for summary in summaries:
        assert {"id", "title", "dataSource", "coverageExplanation", "recordsAvailable",
                "lastSynchronised"} <= set(summary), summary["id"]


def test_every_service_detail_has_a_contact_object_and_text_fields_as_strings(client, family, auth):
    for service in ("Housing", "AdultSocialCare", "Police"):
        response = client.get(f"/api/person/detail/P00000002/service/{service}", **auth, **REASON)
        data = response.json()["data"]
        assert set(data["contact"]) == {"name", "email", "phone", "role"}, service
        assert all(isinstance(v, str) for v in data["contact"].values()), service
    police = client.get("/api/person/detail/P00000002/service/Police", **auth, **REASON).json()["data"]
    assert police["contact"]["email"] == ""  # the police gave no e-mail address


def test_case_id_search_as_the_client_sends_it_is_audited_as_a_search(client, family, auth):
    for case_id in ("cms:CMS100", "cms:cms100", "cms: CMS100 "):
        response = client.get(f"/api/person/detail/{case_id}", **auth, **REASON)
        assert response.status_code == 200, case_id
        assert response.json()["id"] == "P00000001"
    assert client.get("/api/person/detail/cms:CMS999", **auth, **REASON).status_code == 404
    searched = AuditEntry.objects.filter(action=AuditAction.SEARCHED).order_by("id")
    assert [e.search_terms for e in searched][:2] == [{"cms_id": "CMS100"}, {"cms_id": "cms100"}]


def test_logout_as_the_client_sends_it(client, family, practitioner):
    client.post("/api/auth/login", {"userid": "pat", "password": PASSWORD}, content_type=JSON)
    # fetch(..., {method: "POST", body: "", headers: {"Content-Type": "application/json"}})
    response = client.generic("POST", "/api/auth/logout", b"", content_type="application/json")
    assert response.status_code == 302 and response["Location"] == "/api/auth/status"
    assert client.get("/api/auth/status").status_code == 401
    assert AuditEntry.objects.filter(action=AuditAction.SIGNED_OUT, username="pat").exists()


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


def test_the_contracts_fcsessionid_cookie_is_set_and_accepted(family, practitioner):
    from django.conf import settings
    from django.test import Client

    signing_in = Client()
    response = signing_in.post("/api/auth/login", {"userid": "pat", "password": PASSWORD,
                                                   "reason": {"cmsId": "CMS100", "type": "section-47"}},
                               content_type=JSON)
    ours, contract = response.cookies[settings.SESSION_COOKIE_NAME], response.cookies["FCSESSIONID"]
    assert contract.value == ours.value and contract["httponly"] and contract["samesite"] == ours["samesite"]

    only_contract = Client()  # a client that keeps the contract's cookie and nothing else
    only_contract.cookies["FCSESSIONID"] = contract.value
    assert only_contract.get("/api/auth/status").status_code == 200
    assert only_contract.get("/api/person/detail/fc:P00000001").status_code == 200
    out = only_contract.post("/api/auth/logout", "", content_type=JSON)
    assert out.cookies["FCSESSIONID"]["max-age"] == 0  # deleted along with the session
    assert only_contract.get("/api/auth/status").status_code == 401
    # the web pages take only their own cookie
    web = Client()
    web.cookies["FCSESSIONID"] = contract.value
    assert web.get("/home").status_code == 302


def test_page_sizes_are_kept_within_1_to_100_and_said_so(client, family, auth):
    body = client.post("/api/search/person", {"firstName": "Ava", "lastName": "Smith",
                                              "paginationDetails": {"resultsPerPage": 1000, "pageNumber": -3}},
                       content_type=JSON, **auth, **REASON).json()
    assert body["paginationInfo"] == {"totalResults": 2, "resultsPerPage": 100, "pageNumber": 1}


def test_login_without_a_body_is_a_401_and_a_form_body_is_refused(client, family, practitioner):
    assert client.generic("POST", "/api/auth/login").status_code == 401  # no body: the document allows it
    form = client.post("/api/auth/login", {"userid": "pat", "password": PASSWORD})  # a cross-site form
    assert form.status_code == 415 and "_auth_user_id" not in client.session


def test_nul_characters_are_refused_before_they_reach_the_database(client, family, auth, practitioner):
    search = client.post("/api/search/person", {"firstName": "Ava", "lastName": "Sm\x00ith"},
                         content_type=JSON, **auth)
    assert search.status_code == 400 and "NUL" in search.json()["detail"]
    assert client.get("/api/person/detail/cms:CMS1%0000", **auth, **REASON).status_code == 404
    login = client.post("/api/auth/login", {"userid": "p\x00t", "password": "x"}, content_type=JSON)
    assert login.status_code == 401
    client.post("/api/auth/login", {"userid": "pat", "password": PASSWORD,
                                    "reason": {"cmsId": "CMS\x00100", "type": "section-47"}}, content_type=JSON)
    assert client.get("/api/person/detail/P00000001").status_code == 400  # that reason was not kept


def test_a_service_with_no_record_still_answers_a_contact_object(client, family, auth):
    response = client.get("/api/person/detail/P00000005/service/Housing", **auth, **REASON)
    assert response.status_code == 200, response.content
    assert response.json()["data"] == {"contact": {"name": "", "email": "", "phone": "", "role": ""}}
