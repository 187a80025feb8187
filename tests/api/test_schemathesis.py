"""Property-based run of the whole /api/v1 document (Schemathesis, in-process against the WSGI app):
generated requests, valid and odd, never get a server error or a response off the document."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from familycontext.api.tokens import create_token
from familycontext.wsgi import application
from tests.web.family import build_family, make_user

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def api_token(db):
    # Called straight through WSGI, Django would close the test's database connection after each
    # request; its test client avoids that the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    build_family()
    make_user("pat", "practitioner")
    yield create_token("pat", ["read:people", "read:sources"], 1).secret
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_errors_and_keeps_to_its_document(case, api_token):
    cache.clear()  # the request budget is not what this test is about
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {api_token}"}
    response = case.call()
    assert response.status_code < 500, response.text
    # Not ignored_auth (the token is added here, not generated) nor positive_data_acceptance (a
    # well-formed request for a random person id rightly gets a 404 or a missing-reason 400).
    case.validate_response(response, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance,
        response_schema_conformance, response_headers_conformance])
