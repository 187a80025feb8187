"""Security headers on every response (SPEC 8): pages, sign-in, errors, static files."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import include, path

from familycontext.web.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


def assert_headers(response) -> None:
    # Ours, or a stricter one a view set itself (the JSON endpoints use default-src 'none').
    assert response["Content-Security-Policy"] in (CONTENT_SECURITY_POLICY,
                                                   "default-src 'none'; frame-ancestors 'none'")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/sign-in", "/sign-in/help", "/", "/no-such-page",
                                  "/static/web/familycontext.css", "/static/no-such-file.css",
                                  "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    assert_headers(client.get(path))


def test_signed_in_pages_and_their_errors_carry_them(signed_in, family):
    for url in ("/", "/conditions", "/person/P99999999", "/no-such-page"):
        assert_headers(signed_in.get(url))


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom", _boom), path("", include("familycontext.urls"))]


@pytest.mark.urls("tests.web.test_sign_in_headers")
def test_a_crash_is_answered_with_the_headers_too(db):
    response = Client(raise_request_exception=False).get("/boom")
    assert response.status_code == 500
    assert_headers(response)


def test_hsts_is_sent_over_https_when_secure(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/sign-in", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/sign-in")  # never over plain HTTP
