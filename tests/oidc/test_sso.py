"""Single sign-on end to end against a real OpenID Connect provider started by the test
(npm ``oidc-provider``): discovery, authorisation code with PKCE, ID token checks, userinfo,
and roles from the provider's groups."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from familycontext.accounts.roles import roles_of
from familycontext.config.settings import LocalAccounts, SingleSignOn
from familycontext.governance.models import AuditEntry
from tests.oidc.provider import running_provider

pytestmark = pytest.mark.django_db

SECRET_ENV = "FAMILYCONTEXT_TEST_SSO_SECRET"
SECRET = "test-only-client-secret-0123456789"
CALLBACK = "http://testserver/sign-in/sso/callback"
ACCOUNTS = {
    "alice": {"name": "Alice Able", "given_name": "Alice", "family_name": "Able",
              "email": "alice@example.gov.uk", "preferred_username": "alice@example.gov.uk",
              "groups": ["FC-Practitioners", "FC-Auditors", "Everyone"]},
    "bob": {"name": "Bob Nogroup", "preferred_username": "bob@example.gov.uk", "groups": ["Everyone"]},
}


@pytest.fixture(scope="module")
def issuer():
    clients = [{"client_id": "familycontext", "client_secret": SECRET, "redirect_uris": [CALLBACK]}]
    with running_provider(clients, ACCOUNTS) as address:
        yield address


@pytest.fixture
def sso(settings, issuer, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    config = SingleSignOn(
        enabled=True, issuer=issuer, client_id="familycontext", client_secret_env=SECRET_ENV,
        scopes=["openid", "profile", "email", "groups"],
        role_map={"FC-Practitioners": "practitioner", "FC-Auditors": ["auditor"]})
    settings.CONFIG = settings.CONFIG.model_copy(update={"sso": config})
    return config


def through_provider(client, username: str, start: str = "/sign-in/sso"):
    """Click 'sign in with your council account', sign in at the provider, come back."""
    response = client.get(start)
    assert response.status_code == 302
    authorise = response["Location"]
    query = parse_qs(urlsplit(authorise).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    browser = requests.Session()
    at_provider = browser.get(authorise, allow_redirects=True, timeout=10)
    assert "Test sign-in service" in at_provider.text
    back = browser.post(at_provider.url.rstrip("/") + "/login", data={"login": username},
                        allow_redirects=False, timeout=10)
    while back.headers["Location"].startswith("http://127.0.0.1") or back.headers["Location"].startswith("/"):
        back = browser.get(requests.compat.urljoin(back.url, back.headers["Location"]),
                           allow_redirects=False, timeout=10)
    callback = back.headers["Location"]
    assert callback.startswith(CALLBACK + "?code=")
    return client.get(callback.removeprefix("http://testserver"))


def test_signing_in_through_the_provider_makes_the_user_with_roles_from_groups(client, sso):
    response = through_provider(client, "alice")
    assert response.status_code == 302 and response["Location"] == "/home"
    user = get_user_model().objects.get(username="alice@example.gov.uk")
    assert (user.first_name, user.last_name, user.email) == ("Alice", "Able", "alice@example.gov.uk")
    assert roles_of(user) == {"practitioner", "auditor"}
    assert not user.has_usable_password()
    # signed in, and a practitioner: asked for the reason before the first search, not sent to sign in
    assert client.get("/reason").status_code == 200
    assert client.get("/")["Location"].startswith("/reason")
    actions = list(AuditEntry.objects.values_list("action", "username", "details"))
    assert ("user_changed", "single sign-on",
            {"account": "alice@example.gov.uk", "change": "created", "how": "single sign-on"}) in actions
    assert ("roles_changed", "single sign-on",
            {"account": "alice@example.gov.uk", "before": [], "after": ["auditor", "practitioner"],
             "how": "single sign-on"}) in actions
    assert actions[-1] == ("signed_in", "alice@example.gov.uk", {"method": "single sign-on"})


def test_roles_follow_the_provider_on_every_sign_in(client, sso, settings):
    through_provider(client, "alice")
    client.post("/sign-out")
    settings.CONFIG = settings.CONFIG.model_copy(update={"sso": sso.model_copy(
        update={"role_map": {"FC-Practitioners": "practitioner"}})})
    through_provider(client, "alice")
    assert roles_of(get_user_model().objects.get(username="alice@example.gov.uk")) == {"practitioner"}


def test_someone_in_no_mapped_group_is_refused_with_a_reason(client, sso):
    response = through_provider(client, "bob")
    page = response.content.decode()
    assert response.status_code == 200
    assert "not in any group that gives access" in page and 'href="#sso-button"' in page
    assert client.get("/").status_code == 302
    entry = AuditEntry.objects.filter(action="sign_in_failed").get()
    assert entry.username == "bob@example.gov.uk" and entry.details["method"] == "single sign-on"


def test_the_page_asked_for_before_sign_in_is_shown_after_it(client, sso):
    start = client.get("/conditions")["Location"]  # /sign-in?next=/conditions
    assert "next=/conditions" in start
    response = through_provider(client, "alice", start="/sign-in/sso?next=/conditions")
    assert response["Location"] == "/conditions"


def test_a_forged_or_replayed_callback_is_refused_without_a_stack_trace(client, sso):
    response = client.get("/sign-in/sso/callback?code=made-up&state=made-up")
    assert response.status_code == 200
    assert "did not work" in response.content.decode()
    assert AuditEntry.objects.get().action == "sign_in_failed"
    assert client.get("/").status_code == 302


def test_sign_in_page_offers_sso_and_local_sign_in_can_be_switched_off(client, sso, settings):
    page = client.get("/sign-in").content.decode()
    assert "Sign in with your council account" in page and 'name="password"' in page
    settings.CONFIG = settings.CONFIG.model_copy(
        update={"local_accounts": LocalAccounts(enabled=False)})
    page = client.get("/sign-in").content.decode()
    assert "Sign in with your council account" in page and 'name="password"' not in page
    get_user_model().objects.create_user("local", password="a-long-enough-password")
    response = client.post("/sign-in", {"username": "local", "password": "a-long-enough-password"})
    assert response.status_code == 200 and client.get("/").status_code == 302


def test_an_unreachable_provider_gives_a_clear_message(client, settings, monkeypatch):
    config = SingleSignOn(enabled=True, issuer="http://127.0.0.1:9", client_id="x")
    settings.CONFIG = settings.CONFIG.model_copy(update={"sso": config})
    response = client.get("/sign-in/sso")
    assert response.status_code == 200
    assert "sign-in service is not available" in response.content.decode()
