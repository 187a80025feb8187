"""What issue 9's fourth pass changed to make requests cheaper, held to the old behaviour."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from familycontext.governance import restrictions
from familycontext.people.models import Person
from familycontext.web import printout
from familycontext.web.views.search import person_url
from tests.web.family import make_user

pytestmark = pytest.mark.django_db
CHILD = "/person/P00000001"
SIGN_OUT_TOKEN = re.compile(
    r'action="/sign-out"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"')


def _request_with_session(client: Client):
    request = RequestFactory().get("/")
    request.session = client.session
    return request


def test_opened_cards_are_bounded_most_recent_last(signed_in):
    request = _request_with_session(signed_in)
    for n in range(printout.OPENED_KEPT + 30):
        printout.remember_opened(request, f"P{n:08d}", "school")
    opened = printout.opened_cards(request)
    assert len(opened) == printout.OPENED_KEPT
    assert opened[0] == (f"P{30:08d}", "school") and opened[-1][0] == f"P{printout.OPENED_KEPT + 29:08d}"
    printout.remember_opened(request, f"P{40:08d}", "school")  # opened again: now the most recent
    opened = printout.opened_cards(request)
    assert opened[-1] == (f"P{40:08d}", "school") and len(opened) == printout.OPENED_KEPT
    assert opened.count((f"P{40:08d}", "school")) == 1


def test_the_menu_is_shared_but_each_sessions_sign_out_form_carries_its_own_token(with_reason, family):
    other = Client()
    other.force_login(make_user("other", "practitioner"))
    ours = with_reason.get("/").content.decode()
    theirs = other.get("/conditions").content.decode()
    our_token, their_token = SIGN_OUT_TOKEN.search(ours).group(1), SIGN_OUT_TOKEN.search(theirs).group(1)
    assert our_token != their_token
    assert "fc-csrf-input" not in ours
    # The token works: signing out with it is accepted (a forged one is refused by CsrfViewMiddleware).
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("strict", "practitioner"))
    page = strict.get("/conditions").content.decode()
    assert strict.post("/sign-out", {"csrfmiddlewaretoken": SIGN_OUT_TOKEN.search(page).group(1)}).status_code == 302
    strict.force_login(make_user("strict2", "practitioner"))
    assert strict.post("/sign-out", {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_result_links_are_what_reverse_gives():
    for person_id in ["P00000001", "P-1_a.b~c", "a b", "é"]:
        assert person_url(person_id) == reverse("web:person", args=[person_id])


def test_the_subject_is_read_with_the_data_managers_latest_decision(family):
    assert restrictions.get_with_restriction(Person, "P99999999") is None
    child = restrictions.get_with_restriction(Person, family.child.id)
    assert getattr(child, restrictions.ANNOTATION) is None and not restrictions.is_restricted(child)
    assert child.date_of_birth == family.child.date_of_birth and child.restricted is False
    manager = make_user("dm", "data_manager")
    restrictions.change(family.child, restricted=True, reason="Placed for adoption today", user=manager)
    child = restrictions.get_with_restriction(Person, family.child.id)
    assert getattr(child, restrictions.ANNOTATION) is True and restrictions.is_restricted(child)
    restrictions.change(family.child, restricted=False, reason="Lifted after review today", user=manager)
    assert restrictions.is_restricted(restrictions.get_with_restriction(Person, family.child.id)) is False
    assert restrictions.restricted_ids([family.child.id, family.mother.id]) == set()
