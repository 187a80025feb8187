from __future__ import annotations

import re

import pytest
from django.test import Client

from familycontext.governance.models import AuditEntry
from tests.web.family import PASSWORD

pytestmark = pytest.mark.django_db

PROTECTED = ["/", "/results", "/reason", "/person/P00000001",
             "/person/P00000001/service/school", "/conditions"]


@pytest.mark.parametrize("path", PROTECTED)
def test_every_page_but_sign_in_and_help_needs_sign_in(client, family, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?next=")


def test_sign_out_needs_a_post(signed_in):
    assert signed_in.get("/sign-out").status_code == 405


@pytest.mark.parametrize("path", ["/sign-in", "/sign-in/help"])
def test_sign_in_and_help_are_public(client, path, settings):
    response = client.get(path)
    assert response.status_code == 200
    assert settings.CONFIG.council.name in response.content.decode()


def test_sign_in_page_links_to_help_with_the_councils_text(client, settings):
    page = client.get("/sign-in").content.decode()
    assert 'href="/sign-in/help">I need help signing in</a>' in page
    help_page = client.get("/sign-in/help").content.decode()
    assert settings.CONFIG.council.help_signing_in in help_page


def test_signing_in_records_it_and_goes_to_next(client, practitioner):
    response = client.post("/sign-in", {"username": "pat", "password": PASSWORD, "next": "/conditions"})
    assert response.status_code == 302 and response["Location"] == "/conditions"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user_id, entry.username, entry.user_name) == (
        "signed_in", practitioner.pk, "pat", "Pat Worker")
    assert entry.client_address == "127.0.0.1"


def test_sign_in_refuses_to_send_users_to_another_site(client, practitioner):
    response = client.post("/sign-in", {"username": "pat", "password": PASSWORD,
                                        "next": "https://evil.example.com/"})
    assert response["Location"] == "/home"


def test_failed_sign_in_is_recorded_with_the_name_tried(client, practitioner):
    response = client.post("/sign-in", {"username": "pat", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#username"' in page
    assert "<title>Error: Sign in" in page
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user_id, entry.username) == ("sign_in_failed", None, "pat")


def test_blank_sign_in_shows_both_errors_and_records_nothing(client):
    page = client.post("/sign-in", {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in page and "Enter your password" in page
    assert 'href="#password"' in page
    assert not AuditEntry.objects.exists()


def test_sign_out_records_it_and_ends_the_session(signed_in, practitioner):
    response = signed_in.post("/sign-out")
    assert response["Location"] == "/sign-in?ended=signed-out"
    assert AuditEntry.objects.get().action == "signed_out"
    assert signed_in.get("/").status_code == 302


def test_every_form_carries_a_csrf_token_and_posts_without_one_fail(practitioner, family):
    client = Client(enforce_csrf_checks=True)
    assert "csrfmiddlewaretoken" in client.get("/sign-in").content.decode()
    assert client.post("/sign-in", {"username": "pat", "password": PASSWORD}).status_code == 403
    client.force_login(practitioner)
    for path in ("/conditions", "/reason"):
        page = client.get(path).content.decode()
        forms = page.count("<form")
        assert forms and page.count('name="csrfmiddlewaretoken"') == forms
    assert client.post("/", {"search-by": "cms-id", "cms-id": "CMS100"}).status_code == 403


def test_pages_carry_a_csp_without_inline_scripts(signed_in, family):
    for path in ("/sign-in", "/", "/conditions"):
        response = signed_in.get(path)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        page = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert not re.search(r"\sstyle=", page), path
        assert " on" + "click=" not in page


def test_pages_about_people_are_not_cached(with_reason, family):
    assert with_reason.get("/person/P00000001")["Cache-Control"] == "no-store"
