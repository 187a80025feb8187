from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from familycontext.governance.audit import record
from familycontext.governance.models import AppendOnlyError, AuditEntry
from familycontext.governance.reason import Reason, set_reason
from familycontext.people.models import Person

pytestmark = pytest.mark.django_db


def request_with(user=None, reason: Reason | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    if reason:
        set_reason(request, reason)
    return request


def test_an_entry_carries_who_what_whom_why_and_where(django_user_model):
    user = django_user_model.objects.create_user("kim", first_name="Kim", last_name="Lo")
    person = Person(id="P1", first_name="Ava", last_name="Smith", date_of_birth=date(2015, 3, 7))
    entry = record(request_with(user, Reason("CMS1", "other", "Strategy meeting")),
                   "viewed_person", person=person)
    entry.refresh_from_db()
    assert (entry.user_id, entry.username, entry.user_name) == (user.pk, "kim", "Kim Lo")
    assert (entry.person_id, entry.person_name, entry.person_date_of_birth) == ("P1", "Ava Smith", "7 March 2015")
    assert (entry.reason_cms_id, entry.reason_type, entry.reason_text) == ("CMS1", "other", "Strategy meeting")
    assert entry.client_address == "10.1.2.3" and entry.at is not None


def test_entries_cannot_be_changed_or_deleted_through_the_model():
    entry = record(request_with(), "sign_in_failed", username="who")
    entry.username = "someone else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.get().username == "who"
