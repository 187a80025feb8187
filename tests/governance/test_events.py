"""Events recorded without a request: command-line loads, teams; restrictions in bulk."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from familycontext.governance import restrictions
from familycontext.governance.audit import record_event
from familycontext.governance.models import AuditEntry, Team
from familycontext.people.models import Person
from familycontext.sources.models import Load

pytestmark = pytest.mark.django_db


def test_record_event_needs_no_request_and_names_the_command_line_account():
    entry = record_event("data_loaded", details={"load": 7})
    assert entry.username.startswith("command line (") and entry.user_id is None
    assert entry.details == {"load": 7} and entry.sequence == 1


def test_record_event_names_a_given_user_and_person():
    user = get_user_model().objects.create_user("ann", first_name="Ann", last_name="Lee")
    person = Person(id="P9", first_name="Bo", last_name="Ng", date_of_birth=date(2010, 1, 2))
    entry = record_event("restriction_changed", user=user, person=person)
    assert (entry.username, entry.user_name, entry.person_name, entry.person_date_of_birth) == (
        "ann", "Ann Lee", "Bo Ng", "2 January 2010")


def test_a_load_finished_outside_a_request_is_audited_once():
    load = Load.objects.create(bundle="/data/school", loaded_by="command line")
    assert not AuditEntry.objects.filter(action="data_loaded").exists()  # still running
    load.outcome, load.message, load.rows_read = Load.Outcome.REFUSED, "bad file", 3
    load.save()
    entry = AuditEntry.objects.get(action="data_loaded")
    assert entry.username == "command line"
    assert entry.details["outcome"] == "refused" and entry.details["load"] == load.pk


def test_the_team_command_sets_managers_and_members_and_is_audited():
    User = get_user_model()
    for name in ("tess", "mia", "olly"):
        User.objects.create_user(name)
    out = io.StringIO()
    call_command("team", "Assessment 1", "--manager", "tess", "--member", "mia", "--member", "olly", stdout=out)
    call_command("team", "Assessment 1", "--remove", "olly", stdout=out)
    team = Team.objects.get()
    assert list(team.managers.values_list("username", flat=True)) == ["tess"]
    assert list(team.members.values_list("username", flat=True)) == ["mia"]
    assert AuditEntry.objects.filter(action="team_changed").count() == 2
    with pytest.raises(CommandError, match="No such user: zed"):
        call_command("team", "Assessment 1", "--member", "zed")


def test_restrictions_apply_marks_only_people_whose_latest_decision_restricts():
    user = get_user_model().objects.create_user("dee")
    a, b, c = (Person(id=f"P{n}", first_name="X", last_name=str(n)) for n in range(3))
    restrictions.change(a, restricted=True, reason="Placed in a refuge.", user=user)
    restrictions.change(b, restricted=True, reason="Adoption in progress.", user=user)
    restrictions.change(b, restricted=False, reason="Recorded in error.", user=user)
    restrictions.apply([a, b, c])
    assert (a.restricted, b.restricted, c.restricted) == (True, False, False)
    with pytest.raises(ValueError):
        restrictions.change(c, restricted=True, reason="short", user=user)
    assert AuditEntry.objects.filter(action="restriction_changed").count() == 3
