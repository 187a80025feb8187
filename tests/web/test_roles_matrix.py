"""Each role reaches exactly what it should, checked on the server (SPEC 1, 8).

Roles combine: an auditor sees service details only when also a practitioner; a data manager
views people only when also a practitioner; a practitioner gets 403 on audit screens and exports.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver

from familycontext.accounts.roles import set_roles
from familycontext.governance.models import Alert
from familycontext.governance.reason import SESSION_KEY
from tests.web.family import build_family

pytestmark = pytest.mark.django_db

P, TM, A, DM, ADM = "practitioner", "team_manager", "auditor", "data_manager", "administrator"
PEOPLE = {P, TM}

# page -> the roles any one of which opens it
MATRIX: dict[str, set[str]] = {
    "/": PEOPLE,
    "/person/P00000001": PEOPLE,
    "/person/P00000001/service/school": PEOPLE,
    "/person/P00000002/service/police": PEOPLE,
    "/person/P00000004/break-glass": PEOPLE,
    "/audit": {TM, A},
    "/audit/export.csv": {TM, A},
    "/audit/export.csv?person=P00000001&views=1": {TM, A},
    "/audit/who-viewed?person=P00000001": {TM, A},
    "/audit/alerts": {A},
    "/data/restrictions": {DM},
    "/person/P00000004/restriction": {DM},
    "/data/loads": {DM},
    "/data/matches": {DM},
    "/data/people": {DM},
    "/conditions": {"anyone signed in"},
}

ACCOUNTS: dict[str, tuple[str, ...]] = {
    "practitioner": (P,),
    "team-manager": (TM,),
    "auditor": (A,),
    "data-manager": (DM,),
    "administrator": (ADM,),
    "auditor-and-practitioner": (A, P),
    "data-manager-and-practitioner": (DM, P),
    "no-role": (),
}


@pytest.fixture
def clients(client_factory):
    build_family()
    made = {}
    for name, roles in ACCOUNTS.items():
        client = client_factory()
        user = get_user_model().objects.create_user(name)  # no password: force_login, and no slow hashing
        set_roles(user, list(roles))
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = {"cms_id": "CMS100", "type": "section_47", "text": ""}
        session.save()
        made[name] = client
    return made


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


@pytest.mark.slow  # about 120 requests
def test_every_role_reaches_exactly_its_pages(clients):
    wrong = []
    for name, roles in ACCOUNTS.items():
        for url, allowed in MATRIX.items():
            status = clients[name].get(url).status_code
            expected = 200 if set(roles) & allowed or "anyone signed in" in allowed else 403
            if status != expected:
                wrong.append(f"{name} {url}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_marking_an_alert_reviewed_needs_the_auditor_role(clients):
    alert = Alert.objects.create(kind="many_views", at="2026-01-01T00:00:00Z", message="m")
    url = f"/audit/alerts/{alert.pk}/reviewed"
    assert clients["practitioner"].post(url).status_code == 403
    assert clients["team-manager"].post(url).status_code == 403
    assert clients["auditor"].post(url).status_code == 302
    alert.refresh_from_db()
    assert alert.reviewed_by == "auditor"


def test_signed_out_visitors_are_sent_to_sign_in_from_every_governance_page(client, db):
    for url in MATRIX:
        if url == "/conditions":
            continue
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in"), url


# Pages any signed-in user may open, and public ones; every other page must name its roles.
ANY_SIGNED_IN = {"sign-out", "conditions", "account-authenticator", "home"}
PUBLIC = {"sign-in", "help-signing-in", "sign-in-code", "sign-in-authenticator", "sso-start", "sso-callback",
          "govuk-asset"}


def test_every_other_page_declares_the_roles_it_needs():
    resolver = get_resolver()
    web = resolver.url_patterns
    undeclared = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, p.namespace or namespace)
            elif namespace == "web" and p.name not in ANY_SIGNED_IN | PUBLIC:
                if not getattr(p.callback, "required_roles", None):
                    undeclared.append(p.name)

    walk(web)
    assert not undeclared, f"pages without role_required: {undeclared}"


@pytest.mark.parametrize(("account", "landing"), [
    ("practitioner", "/"), ("team-manager", "/"), ("auditor", "/audit"), ("data-manager", "/data/loads"),
    ("auditor-and-practitioner", "/"),
])
def test_after_sign_in_each_role_lands_on_a_page_it_can_open(clients, account, landing):
    response = clients[account].get("/home")
    assert response.status_code == 302 and response["Location"] == landing
    assert clients[account].get(landing).status_code == 200


def test_an_account_without_a_role_is_told_so_instead_of_a_bare_error(clients):
    response = clients["no-role"].get("/home")
    assert response.status_code == 403 and "has no role yet" in response.content.decode()
