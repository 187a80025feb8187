"""Issue 17: password spraying from one address is slowed (429 + Retry-After) and alerted,
beside the per-account lockout; an office behind one proxy address keeps signing in."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from familycontext.config import Configuration
from familycontext.governance.models import Alert, AuditEntry
from tests.web.family import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SPRAYER = "203.0.113.7"
OFFICE_PROXY = "198.51.100.20"


@pytest.fixture(autouse=True)
def _limits(settings, monkeypatch):
    # One fixed minute, so a test's attempts never straddle two counting windows.
    from types import SimpleNamespace

    from familycontext.governance import sign_in_throttle

    monkeypatch.setattr(sign_in_throttle, "time", SimpleNamespace(time=lambda: 1_800_000_010.0))
    cache.clear()
    settings.CONFIG = Configuration.model_validate({"local_accounts": {
        "failed_sign_ins_per_address_per_minute": 30, "spray_alert_accounts": 10}})
    yield
    cache.clear()


def _web(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_a_spray_across_many_accounts_from_one_address_is_slowed_and_alerted(db):
    make_user("pat", "practitioner")
    sprayer = _web(SPRAYER)
    statuses = [sprayer.post("/sign-in", {"username": f"user{i % 50}", "password": "Winter2026!"}).status_code
                for i in range(40)]
    assert statuses[:30] == [200] * 30 and statuses[30:] == [429] * 10
    slowed = sprayer.post("/sign-in", {"username": "pat", "password": PASSWORD})  # even the right password
    assert slowed.status_code == 429 and slowed["Retry-After"] == "50"
    assert "Too many failed sign-ins from your network" in slowed.content.decode()
    # The reference client's login from the same address is slowed too, as problem JSON.
    api = Client(REMOTE_ADDR=SPRAYER).post("/api/auth/login", {"userid": "pat", "password": PASSWORD},
                                           content_type="application/json")
    assert api.status_code == 429 and api["Retry-After"] and api["Content-Type"].startswith("application/problem+json")
    assert json.loads(api.content)["status"] == 429

    (alert,) = Alert.objects.filter(kind=Alert.Kind.SIGN_IN_SPRAY)
    assert SPRAYER in alert.message and "10 different accounts" in alert.message
    throttled = AuditEntry.objects.filter(action="sign_in_failed", client_address=SPRAYER, details__throttled=True)
    assert throttled.count() == 12  # every slowed attempt is in the trail

    # Elsewhere, the account the sprayer tried last still signs in (its own lockout was never reached).
    assert _web("192.0.2.1").post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 302


def test_the_reference_login_counts_failures_per_address_too(db):
    make_user("pat", "practitioner")
    client = Client(REMOTE_ADDR=SPRAYER)
    codes = [client.post("/api/auth/login", {"userid": f"u{i}", "password": "x"},
                         content_type="application/json").status_code for i in range(31)]
    assert codes[:30] == [401] * 30 and codes[30] == 429
    assert _web(SPRAYER).post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 429


def test_an_office_behind_one_proxy_keeps_signing_in(db):
    users = [make_user(f"worker{i}", "practitioner") for i in range(60)]
    for i, user in enumerate(users):
        office = _web(OFFICE_PROXY)
        if i % 4 == 0:  # a typo now and then: 15 failures from the office in the minute
            assert office.post("/sign-in", {"username": user.username, "password": "typo"}).status_code == 200
        response = office.post("/sign-in", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, (user.username, response.status_code)
    assert not Alert.objects.filter(kind=Alert.Kind.SIGN_IN_SPRAY).exists()


def test_behind_our_own_proxy_the_address_nginx_saw_is_counted_and_a_forged_one_is_not(db):
    make_user("pat", "practitioner")
    # nginx (127.0.0.1, trusted) appends the peer it saw; what the client wrote before it is not believed.
    sprayer = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.9, {SPRAYER}")
    for i in range(30):
        sprayer.post("/sign-in", {"username": f"user{i}", "password": "x"})
    assert sprayer.post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 429
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OFFICE_PROXY)
    assert other.post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 302
    assert AuditEntry.objects.filter(action="sign_in_failed", client_address=SPRAYER).count() == 31
    # A client that is not our proxy cannot pick its address with the header.
    direct = Client(REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=SPRAYER)
    assert direct.post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 302
