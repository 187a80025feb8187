"""The 2021 reference UI served at /FamilyContext/ from the shared build, behind the product's own
sign-in and reason pages (the browser walk is tests/browser/test_reference_ui.py)."""

from __future__ import annotations

import base64
import hashlib
import re
import time

import pytest
from django.conf import settings

from familycontext.config import ConfigError, load_configuration
from familycontext.governance.reason import SESSION_KEY
from tests.reference_ui import reference_ui_build  # noqa: F401 (a fixture)
from tests.web.family import PASSWORD, build_family, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(reference_ui_build):  # noqa: F811
    before = settings.CONFIG
    settings.CONFIG = before.model_copy(update={"api": before.api.model_copy(
        update={"reference_ui_folder": str(reference_ui_build)})})
    yield reference_ui_build
    settings.CONFIG = before


@pytest.fixture
def family(db):
    return build_family()  # the reason form checks the child's CMS id against the live CMS snapshot


@pytest.fixture
def practitioner(db):
    return make_user("pat", "practitioner")


def _state_reason(client) -> None:
    session = client.session
    session[SESSION_KEY] = {"cms_id": "CMS100", "type": "section_47", "text": ""}
    session.save()


def test_not_served_unless_configured(client, practitioner):
    client.force_login(practitioner)
    _state_reason(client)
    assert client.get("/FamilyContext/").status_code == 404


def test_signed_out_user_goes_to_the_products_sign_in_then_the_reason_page(client, served, practitioner, family):
    response = client.get("/FamilyContext/search?firstName=Ava&lastName=Smith")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=/FamilyContext/search%3FfirstName%3DAva%26lastName%3DSmith"
    # the product's own sign-in page, which then sends the user on to where they were going
    signed_in = client.post("/sign-in", {"username": "pat", "password": PASSWORD,
                                         "next": "/FamilyContext/"})
    assert signed_in["Location"] == "/FamilyContext/"
    reason = client.get("/FamilyContext/")
    assert reason.status_code == 302 and reason["Location"] == "/reason?next=%2FFamilyContext%2F"
    stated = client.post("/reason", {"reason-cms-id": "CMS100", "reason-type": "section_47",
                                         "next": "/FamilyContext/"})
    assert stated["Location"] == "/FamilyContext/"
    page = client.get("/FamilyContext/")
    assert page.status_code == 200 and b'<div id="root"></div>' in page.content
    assert page["Cache-Control"] == "no-store"


def test_the_app_page_runs_its_inline_script_under_a_strict_policy(client, served, practitioner):
    client.force_login(practitioner)
    _state_reason(client)
    assert client.get("/FamilyContext")["Location"] == "/FamilyContext/"
    page = client.get("/FamilyContext/person/P00000001")  # one of the app's routes: the same page
    html = page.content.decode()
    policy = page["Content-Security-Policy"]
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert inline, "the build's webpack runtime is inline"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_build_files_are_served_as_they_are_and_nothing_outside(client, served):
    js = next((served / "static" / "js").glob("main.*.chunk.js"))
    response = client.get(f"/FamilyContext/static/js/{js.name}")  # no sign-in needed: no personal data
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == js.read_bytes()
    assert "immutable" in response["Cache-Control"]
    assert client.get("/FamilyContext/static/js/missing.js").status_code == 404
    assert client.get("/FamilyContext/static/../../../etc/passwd").status_code == 404
    assert client.get("/FamilyContext/manifest.json").status_code == 200


def test_a_user_who_may_not_view_people_is_sent_home(client, served):
    client.force_login(make_user("dee", "data_manager"))
    response = client.get("/FamilyContext/")
    assert response.status_code == 302 and response["Location"] == settings.LOGIN_REDIRECT_URL


def test_the_stock_sign_in_form_sends_users_to_the_products_sign_in(client, served, practitioner):
    response = client.post("/api/auth/login", {"userid": "pat", "password": PASSWORD},
                           content_type="application/json",
                           HTTP_REFERER="http://testserver/FamilyContext/")
    assert response.status_code == 403  # the client says "not permitted": a reload signs in
    assert "open /FamilyContext/ again" in response.json()["detail"]
    assert "_auth_user_id" not in client.session
    # other reference clients still sign in with a password
    other = client.post("/api/auth/login", {"userid": "pat", "password": PASSWORD},
                        content_type="application/json")
    assert other.status_code == 302


def test_the_folder_must_hold_a_build(tmp_path):
    path = tmp_path / "fc.toml"
    path.write_text(f"[api]\nreference_ui_folder = '{tmp_path}'\n")
    with pytest.raises(ConfigError, match="api.reference_ui_folder"):
        load_configuration(path)


def test_a_session_that_timed_out_answers_the_api_with_a_401_the_ui_understands(client, practitioner):
    client.post("/sign-in", {"username": "pat", "password": PASSWORD})
    session = client.session
    session["last_seen_at"] = time.time() - 15 * 60 - 5
    session.save()
    response = client.get("/api/auth/status")  # not a redirect to an HTML sign-in page
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert client.get("/api/auth/status").status_code == 401  # really signed out
