"""Local accounts (SPEC 8): Argon2id hashes, lockout after repeated failures, optional TOTP."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from familycontext.accounts import second_factor
from familycontext.config.settings import LocalAccounts
from familycontext.governance.models import AuditEntry
from tests.web.family import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pat(db):
    return make_user("pat", "practitioner")


def policy(settings, **values) -> None:
    settings.CONFIG = settings.CONFIG.model_copy(
        update={"local_accounts": LocalAccounts(**{**settings.CONFIG.local_accounts.model_dump(), **values})})


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def test_passwords_are_stored_as_argon2id_and_old_hashes_are_upgraded(client, pat):
    assert get_user_model().objects.get(pk=pat.pk).password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    pat.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    pat.save()
    client.post("/sign-in", {"username": "pat", "password": PASSWORD})
    assert get_user_model().objects.get(pk=pat.pk).password.startswith("argon2$argon2id$")


def test_an_account_locks_after_the_configured_failures_even_for_the_right_password(client, pat, settings):
    policy(settings, lockout_after_failures=3, lockout_minutes=20)
    for _ in range(2):
        page = client.post("/sign-in", {"username": "pat", "password": "wrong"}).content.decode()
        assert "Enter a correct username and password" in page
    page = client.post("/sign-in", {"username": "pat", "password": "wrong"}).content.decode()
    assert "This account is locked" in page and "Try again in 20 minutes" in page
    response = client.post("/sign-in", {"username": "pat", "password": PASSWORD})
    assert response.status_code == 200 and "This account is locked" in response.content.decode()
    assert client.get("/conditions").status_code == 302
    failed = AuditEntry.objects.filter(action="sign_in_failed", username="pat")
    assert failed.count() == 4 and failed.last().details == {"method": "password", "locked_out": True}


def test_a_lockout_is_per_account_and_names_that_do_not_exist_lock_too(client, pat, settings):
    policy(settings, lockout_after_failures=2)
    for _ in range(2):
        page = client.post("/sign-in", {"username": "nobody", "password": "x"}).content.decode()
    assert "This account is locked" in page  # same answer as for a real account: no enumeration
    assert client.post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 302


def test_a_success_clears_earlier_failures(client, pat, settings):
    policy(settings, lockout_after_failures=3)
    for _ in range(2):
        client.post("/sign-in", {"username": "pat", "password": "wrong"})
    assert client.post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 302
    client.post("/sign-out")
    for _ in range(2):
        client.post("/sign-in", {"username": "pat", "password": "wrong"})
    assert client.post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 302


def set_up_authenticator(client) -> TOTPDevice:
    page = client.get("/account/authenticator")
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "<svg" in html and not re.search(r"\sstyle=", html)
    device = TOTPDevice.objects.get(confirmed=False)
    assert second_factor.secret_text(device).replace(" ", "") in html.replace(" ", "")
    response = client.post("/account/authenticator", {"code": code_for(device)})
    assert response["Location"] == "/account/authenticator?done=1"
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_user_sets_up_an_authenticator_and_then_needs_its_code_to_sign_in(client, pat):
    client.force_login(pat)
    device = set_up_authenticator(client)
    assert AuditEntry.objects.filter(action="user_changed").get().details == {
        "account": "pat", "change": "second factor set up", "how": "user"}
    client.post("/sign-out")
    response = client.post("/sign-in", {"username": "pat", "password": PASSWORD, "next": "/conditions"})
    assert response["Location"] == "/sign-in/code"
    assert client.get("/conditions").status_code == 302  # not signed in yet
    page = client.post("/sign-in/code", {"code": "12345"}).content.decode()
    assert "Enter the 6-digit code" in page
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    page = client.post("/sign-in/code", {"code": wrong}).content.decode()
    assert "The code is not correct" in page
    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # skip django-otp's growing wait between guesses
    device.save()
    response = client.post("/sign-in/code", {"code": code_for(device, offset=1)})
    assert response["Location"] == "/conditions"
    assert AuditEntry.objects.filter(action="signed_in").last().details == {
        "method": "password and authenticator code"}


def test_a_used_code_cannot_be_used_again(client, pat):
    client.force_login(pat)
    device = set_up_authenticator(client)  # used the current code
    client.post("/sign-out")
    client.post("/sign-in", {"username": "pat", "password": PASSWORD})
    page = client.post("/sign-in/code", {"code": code_for(device)}).content.decode()
    assert "The code is not correct or has already been used" in page


def test_the_code_step_cannot_be_reached_without_the_password(client, pat):
    assert client.get("/sign-in/code")["Location"] == "/sign-in"
    assert client.post("/sign-in/code", {"code": "123456"})["Location"] == "/sign-in"


def test_when_the_council_requires_it_users_set_up_an_authenticator_before_signing_in(client, pat, settings):
    policy(settings, second_factor="required")
    response = client.post("/sign-in", {"username": "pat", "password": PASSWORD})
    assert response["Location"] == "/sign-in/authenticator"
    assert client.get("/conditions").status_code == 302
    assert "You need a code from an authenticator app" in client.get("/sign-in/authenticator").content.decode()
    device = TOTPDevice.objects.get(user=pat)
    response = client.post("/sign-in/authenticator", {"code": code_for(device)})
    assert response["Location"] == "/home"
    assert client.get("/conditions").status_code == 200


def test_with_the_second_factor_off_there_is_no_set_up_page(client, pat, settings):
    policy(settings, second_factor="off")
    client.force_login(pat)
    assert client.get("/account/authenticator").status_code == 404
