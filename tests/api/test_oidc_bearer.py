"""OIDC bearer tokens end to end: JWTs signed with a real RSA key, whose public half the test
publishes at a discovery document + JWKS on a local HTTP server, exactly as an identity provider
would. Checks signature, issuer, audience, expiry, the user claim and that the audit names the user."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from familycontext.api import oidc
from familycontext.config.settings import SingleSignOn
from familycontext.governance.models import AuditAction, AuditEntry
from tests.api.conftest import REASON
from tests.web.family import make_user

AUDIENCE = "familycontext"
KEY_ID = "test-key-1"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def signing_key():
    return _key()


@pytest.fixture(scope="module")
def identity_provider(signing_key):
    """A discovery document and JWKS served over HTTP on a free local port; yields the issuer."""
    public = json.loads(RSAAlgorithm.to_jwk(signing_key.public_key()))
    public.update({"kid": KEY_ID, "use": "sig", "alg": "RS256"})
    documents: dict[str, bytes] = {"/jwks": json.dumps({"keys": [public]}).encode()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = documents.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body or b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    issuer = f"http://127.0.0.1:{server.server_address[1]}"
    documents["/.well-known/openid-configuration"] = json.dumps(
        {"issuer": issuer, "jwks_uri": issuer + "/jwks"}).encode()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield issuer
    server.shutdown()
    server.server_close()


@pytest.fixture
def sso(settings, identity_provider):
    oidc._cache.clear()
    config = SingleSignOn(enabled=True, issuer=identity_provider, client_id=AUDIENCE)
    settings.CONFIG = settings.CONFIG.model_copy(update={"sso": config})
    yield identity_provider
    oidc._cache.clear()


def token_for(key, issuer: str, **claims) -> str:
    now = int(time.time())
    body = {"iss": issuer, "aud": AUDIENCE, "iat": now, "exp": now + 600,
            "preferred_username": "pat@example.gov.uk"} | claims
    body = {name: value for name, value in body.items() if value is not None}  # None: leave it out
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": KEY_ID})


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def practitioner(db):
    return make_user("pat@example.gov.uk", "practitioner")


def test_a_signed_token_names_the_user_and_person_views_are_audited_under_them(
        client, family, practitioner, sso, signing_key):
    token = token_for(signing_key, sso)
    me = client.get("/api/v1/me", **bearer(token))
    assert me.status_code == 200, me.content
    assert me.json()["username"] == "pat@example.gov.uk"
    person = client.get("/api/v1/people/P00000002", **bearer(token), **REASON)
    assert person.status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.VIEWED_PERSON)
    assert (entry.username, entry.person_id, entry.reason_cms_id) == ("pat@example.gov.uk", "P00000002", "CMS100")


@pytest.mark.parametrize(("change", "says"), [
    ({"exp": int(time.time()) - 3600}, "expired"),
    ({"aud": "another-app"}, "audience"),
    ({"iss": "https://login.example.invalid/"}, "another identity provider"),
    ({"preferred_username": None}, "no preferred_username claim"),
])
def test_tokens_that_do_not_check_out_are_401_with_the_reason(client, practitioner, sso, signing_key,
                                                               change, says):
    response = client.get("/api/v1/me", **bearer(token_for(signing_key, sso, **change)))
    assert response.status_code == 401
    assert says in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_signed_with_another_key_is_refused(client, practitioner, sso):
    response = client.get("/api/v1/me", **bearer(token_for(_key(), sso)))
    assert response.status_code == 401 and "could not be checked" in response.json()["detail"]


def test_a_valid_token_for_an_unknown_or_inactive_user_is_403(client, practitioner, sso, signing_key):
    unknown = client.get("/api/v1/me", **bearer(token_for(signing_key, sso, preferred_username="eve@x")))
    assert unknown.status_code == 403
    practitioner.is_active = False
    practitioner.save()
    inactive = client.get("/api/v1/me", **bearer(token_for(signing_key, sso)))
    assert inactive.status_code == 403 and "no single active" in inactive.json()["detail"]
