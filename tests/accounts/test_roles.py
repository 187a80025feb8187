from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.test import RequestFactory

from familycontext.accounts.roles import ROLES, has_role, role_required, roles_of, set_roles

pytestmark = pytest.mark.django_db


def make(username: str, *roles: str):
    user = get_user_model().objects.create_user(username, password="x" * 20)
    set_roles(user, list(roles))
    return user


def test_roles_combine_and_are_checked_by_group():
    user = make("both", "practitioner", "auditor")
    assert has_role(user, "practitioner") and has_role(user, "auditor")
    assert not has_role(user, "administrator")
    assert has_role(user, "administrator", "auditor")  # any of
    assert roles_of(AnonymousUser()) == frozenset()


def test_set_roles_replaces_roles_and_unknown_roles_are_refused():
    user = make("u", "practitioner")
    set_roles(user, ["data_manager"])
    assert roles_of(get_user_model().objects.get(pk=user.pk)) == {"data_manager"}
    with pytest.raises(ValueError):
        set_roles(user, ["wizard"])
    with pytest.raises(ValueError):
        has_role(user, "wizard")


def test_inactive_users_hold_no_roles():
    user = make("gone", "practitioner")
    user.is_active = False
    assert not has_role(user, "practitioner")


def test_role_required_redirects_strangers_and_refuses_the_wrong_role():
    from django.core.exceptions import PermissionDenied

    @role_required("auditor")
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/audit")
    request.user = AnonymousUser()
    assert view(request)["Location"] == "/sign-in?next=/audit"
    request.user = make("p", "practitioner")
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = make("a", "auditor")
    assert view(request).content == b"ok"
    with pytest.raises(ValueError):
        role_required("wizard")


def test_createuser_reads_the_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-passphrase\n"))
    out = io.StringIO()
    call_command("createuser", "sam", "--role", "practitioner", "--role", "team_manager",
                 "--password-stdin", stdout=out)
    user = get_user_model().objects.get(username="sam")
    assert user.check_password("a-long-enough-passphrase")
    assert roles_of(user) == {"practitioner", "team_manager"}


def test_createuser_refuses_a_weak_password(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    with pytest.raises(CommandError):
        call_command("createuser", "sam", "--role", "practitioner", "--password-stdin")
    assert not get_user_model().objects.filter(username="sam").exists()


def _printed(out: str) -> dict[str, str]:
    return {line.split()[0]: line.split()[1] for line in out.splitlines() if line.startswith("  ")}


def test_demo_users_prints_working_sign_ins_and_resets_them_on_rerun():
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_users", stdout=first)
    call_command("demo_users", stdout=second)
    one, two = _printed(first.getvalue()), _printed(second.getvalue())
    assert set(one) == set(two) == {"demo", *(f"demo-{r.replace('_', '-')}" for r in ROLES)}
    assert all(one[u] != two[u] for u in one)  # new random passwords every run
    User = get_user_model()
    assert User.objects.filter(username__startswith="demo").count() == len(one)
    for username, password in two.items():
        assert User.objects.get(username=username).check_password(password)
    assert roles_of(User.objects.get(username="demo")) >= {"practitioner", "team_manager"}
    assert roles_of(User.objects.get(username="demo-auditor")) == {"auditor"}


def test_demo_users_put_the_practitioner_in_a_team_the_team_manager_manages():
    from familycontext.governance.trail import team_member_ids

    out = io.StringIO()
    call_command("demo_users", stdout=out)
    call_command("demo_users", stdout=io.StringIO())  # rerunning keeps one team, not two
    User = get_user_model()
    manager = User.objects.get(username="demo-team-manager")
    assert User.objects.get(username="demo-practitioner").pk in team_member_ids(manager)
    assert "Demo team:" in out.getvalue() and "demo-team-manager" in out.getvalue()
    from familycontext.governance.models import Team
    assert Team.objects.count() == 1
