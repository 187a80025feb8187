"""CORS for a client served from another origin: off by default, then only the listed origins."""

from __future__ import annotations

import pytest

from familycontext.config import ConfigError, load_configuration

pytestmark = pytest.mark.django_db
UI = "https://familycontext-ui.example.gov.uk"


def _preflight(client, origin: str):
    return client.options("/api/search/person", HTTP_ORIGIN=origin,
                          HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                          HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type")


def test_no_other_origin_is_allowed_by_default(client):
    response = _preflight(client, UI)
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in client.get("/api/auth/status", HTTP_ORIGIN=UI)


def test_a_listed_origin_may_call_the_api_with_the_users_cookie(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [UI]
    response = _preflight(client, UI)
    assert response["Access-Control-Allow-Origin"] == UI
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "content-type" in response["Access-Control-Allow-Headers"]
    assert "DELETE" not in response["Access-Control-Allow-Methods"]
    assert "x-reason-cms-id" in response["Access-Control-Allow-Headers"]
    answer = client.get("/api/auth/status", HTTP_ORIGIN=UI)
    assert answer.status_code == 401 and answer["Access-Control-Allow-Origin"] == UI
    # other origins and the web pages: nothing
    assert "Access-Control-Allow-Origin" not in _preflight(client, "https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in client.get("/sign-in", HTTP_ORIGIN=UI)


def test_the_settings_take_the_configured_origins():
    from familycontext import settings as product_settings

    assert product_settings.CORS_ALLOWED_ORIGINS == list(product_settings.CONFIG.api.cors_allowed_origins)


@pytest.mark.parametrize("origin", ["*", "https://ui.example.gov.uk/FamilyContext", "ui.example.gov.uk"])
def test_an_allowed_origin_is_an_origin(tmp_path, origin):
    path = tmp_path / "fc.toml"
    path.write_text(f"[api]\ncors_allowed_origins = ['{origin}']\n")
    with pytest.raises(ConfigError, match="api.cors_allowed_origins"):
        load_configuration(path)
