"""API tokens: hashed, scoped, expiring, revocable, last use kept; the request budget per token."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from familycontext.api.models import ApiToken
from familycontext.api.tokens import create_token, hash_token
from familycontext.config.settings import Configuration
from tests.api.contract import check, generated
from tests.web.family import make_user

pytestmark = pytest.mark.django_db


def test_command_creates_a_token_shown_once_and_stored_hashed(practitioner):
    out = StringIO()
    call_command("api_token", "create", "--user", "pat", "--scope", "read:people", "--expires-days", "90",
                 stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert secret.startswith("fct_") and len(secret) > 40
    assert token.token_hash == hash_token(secret) and secret not in str(token.__dict__)
    assert token.scopes == ["read:people"]
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "active" in listing.getvalue() and secret not in listing.getvalue()


def test_command_refuses_unknown_user_with_a_message(db):
    with pytest.raises(CommandError, match="no user"):
        call_command("api_token", "create", "--user", "ghost", "--scope", "read:people")


def test_revoked_and_expired_tokens_are_refused(client, practitioner):
    revoked = create_token("pat", ["read:people"], 10)
    call_command("api_token", "revoke", str(revoked.token.pk), stdout=StringIO())
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {revoked.secret}")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    expired = create_token("pat", ["read:people"], 10)
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {expired.secret}")
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_last_use_is_recorded(client, practitioner, token):
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ApiToken.objects.get().last_used_at is not None


def test_scope_and_role_are_both_needed(client, family):
    make_user("sam", "practitioner")
    sources_only = create_token("sam", ["read:sources"], 10).secret
    response = client.post("/api/v1/search/by-identifier", {"identifier": "CMS100"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {sources_only}")
    assert response.status_code == 403 and "read:people" in response.json()["detail"]
    make_user("dee", "data_manager")
    no_role = create_token("dee", ["read:people"], 10).secret
    response = client.post("/api/v1/search/by-identifier", {"identifier": "CMS100"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {no_role}")
    assert response.status_code == 403 and "role" in response.json()["detail"]
    check(generated(), response)


def test_requests_over_the_budget_get_429_with_retry_after(client, practitioner, token):
    config = Configuration.model_validate({"api": {"requests_per_minute": 3}})
    with override_settings(CONFIG=config):
        codes = [client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code for _ in range(4)]
        limited = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert codes == [200, 200, 200, 429]
    assert int(limited["Retry-After"]) >= 1
    check(generated(), limited)


def test_bearer_jwt_is_refused_when_single_sign_on_is_off(client, db):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer a.b.c")
    assert response.status_code == 401 and "not enabled" in response.json()["detail"]
