"""Issue 17: requests that used to be anonymous 500s answer 4xx with the product's page or problem JSON."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.web.family import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_an_asset_name_with_a_percent_sign_is_not_found(client, caplog):
    response = client.get("/assets/%25")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
    assert client.get("/assets/fonts/light-94a07e06a1-v2.woff2").status_code == 302  # real names still redirect
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.parametrize("path", ["/api/v1/search/by-name", "/api/search/person", "/api/auth/login"])
def test_an_api_body_over_the_upload_limit_is_a_413_problem(client, path, settings, caplog):
    body = b'{"first_name": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}'
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"].startswith(PROBLEM)
    problem = json.loads(response.content)
    assert problem["status"] == 413 and "at most" in problem["detail"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_a_page_form_over_the_upload_limit_is_a_413_page(client, settings):
    response = client.post("/sign-in", data=b"username=" + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and "too large" in response.content.decode()


def test_a_form_posted_as_utf16_is_a_400_page_and_sign_in_still_works_after(client, caplog):
    make_user("pat", "practitioner")
    body = "username=pat&password=x"  # the test client encodes it as the charset says
    response = client.post("/sign-in", data=body, content_type="application/x-www-form-urlencoded; charset=utf-16")
    assert response.status_code == 400 and "character set" in response.content.decode()
    assert 'class="govuk-header' in response.content.decode() or "govuk-template" in response.content.decode()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    api = client.post("/api/search/person", data='{"firstName": "A"}',
                      content_type="application/json; charset=utf-16")
    assert api.status_code == 400 and api["Content-Type"].startswith(PROBLEM)
    assert Client().post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 302
