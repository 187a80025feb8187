"""Session policy (SPEC 8): inactivity time-out, absolute limit, one live session per user."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from familycontext.accounts import sessions
from familycontext.accounts.models import LiveSession
from familycontext.governance.models import AuditEntry
from tests.web.family import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pat(db):
    return make_user("pat", "practitioner")


def sign_in(client: Client) -> None:
    response = client.post("/sign-in", {"username": "pat", "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def age_session(client: Client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def test_defaults_are_15_minutes_idle_and_10_hours_in_all(settings):
    assert sessions.inactivity_timeout_seconds() == 15 * 60
    assert sessions.absolute_limit_seconds() == 10 * 3600
    assert settings.SESSION_COOKIE_AGE == 10 * 3600  # the store never keeps one longer


def test_limits_come_from_the_configuration(settings):
    settings.CONFIG = settings.CONFIG.model_copy(update={"sessions": settings.CONFIG.sessions.model_copy(
        update={"inactivity_timeout_minutes": 5, "absolute_limit_hours": 2})})
    assert (sessions.inactivity_timeout_seconds(), sessions.absolute_limit_seconds()) == (300, 7200)
    assert "5 minutes" in sessions.ended_message("inactive")
    assert "2 hours" in sessions.ended_message("absolute")


def test_an_idle_session_ends_and_the_sign_in_page_says_why(client, pat):
    sign_in(client)
    age_session(client, last_seen_at=15 * 60 + 5)
    response = client.get("/conditions")
    assert response["Location"] == "/sign-in?ended=inactive"
    page = client.get(response["Location"]).content.decode()
    assert "you had not done anything for 15 minutes" in page
    assert client.get("/conditions").status_code == 302  # really signed out
    entry = AuditEntry.objects.filter(action="signed_out").get()
    assert (entry.username, entry.details) == ("pat", {"why": "inactive"})


def test_activity_keeps_a_session_going(client, pat):
    sign_in(client)
    age_session(client, last_seen_at=14 * 60)
    assert client.get("/conditions").status_code == 200
    assert time.time() - client.session["last_seen_at"] < 60


def test_a_busy_session_still_ends_at_the_absolute_limit(client, pat):
    sign_in(client)
    age_session(client, signed_in_at=10 * 3600 + 1, last_seen_at=1)
    response = client.get("/conditions")
    assert response["Location"] == "/sign-in?ended=absolute"
    assert "time limit of 10 hours" in client.get(response["Location"]).content.decode()


def test_signing_in_elsewhere_ends_the_first_session_and_tells_its_user(pat):
    first, second = Client(), Client()
    sign_in(first)
    assert first.get("/conditions").status_code == 200
    sign_in(second)
    assert second.get("/conditions").status_code == 200
    response = first.get("/conditions")
    assert response["Location"] == "/sign-in?ended=replaced"
    page = first.get(response["Location"]).content.decode()
    assert "your account was used to sign in somewhere else" in page
    assert first.get("/conditions").status_code == 302
    assert second.get("/conditions").status_code == 200  # the new one goes on
    assert LiveSession.objects.get(user=pat).token == second.session["live_session_token"]
    assert AuditEntry.objects.filter(action="signed_out").get().details == {"why": "replaced"}


def test_signing_out_ends_the_session_everywhere(client, pat):
    sign_in(client)
    stolen = Client()
    stolen.cookies = client.cookies.__class__(client.cookies)  # a copy of the cookie
    client.post("/sign-out")
    assert not LiveSession.objects.filter(user=pat).exists()
    assert stolen.get("/conditions").status_code == 302


def test_cookies_are_httponly_samesite_and_secure_when_configured(client, pat, settings):
    response = client.post("/sign-in", {"username": "pat", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    assert not cookie["max-age"]  # ends with the browser too
    settings.SESSION_COOKIE_SECURE = True
    response = Client().post("/sign-in", {"username": "pat", "password": PASSWORD})
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"]


def test_activity_is_recorded_at_most_once_a_minute_so_idle_can_only_end_sooner(client, pat):
    """Recording every request's activity meant writing the session on every request (issue 9)."""
    sign_in(client)
    age_session(client, last_seen_at=30)
    client.get("/conditions")
    assert 29 <= time.time() - client.session["last_seen_at"] < 40  # not rewritten: 30 s is recent
    age_session(client, last_seen_at=61)
    client.get("/conditions")
    assert time.time() - client.session["last_seen_at"] < 5  # rewritten after a minute
    assert sessions.touch_interval_seconds() == 60


def test_a_short_time_out_records_activity_on_every_request(settings):
    settings.SESSION_INACTIVITY_TIMEOUT = 3
    assert sessions.touch_interval_seconds() == 0


def test_roles_and_the_live_session_are_read_afresh_on_every_request(client, pat):
    """The user, its live-session token and its roles come in one query (accounts.backends), on
    every request: a role taken away or a session replaced counts at the very next request."""
    from familycontext.accounts.roles import set_roles

    sign_in(client)
    assert client.get("/reason").status_code == 200
    set_roles(pat, [])
    assert client.get("/reason").status_code == 403
    set_roles(pat, ["practitioner"])
    assert client.get("/reason").status_code == 200
    LiveSession.objects.filter(user=pat).update(token="another")
    assert client.get("/")["Location"] == "/sign-in?ended=replaced"
