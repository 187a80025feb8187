"""The [sso] and [local_accounts] configuration is checked at start-up; account changes are audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from familycontext.accounts import sso
from familycontext.accounts.roles import ROLES, set_roles
from familycontext.config import ConfigError, load_configuration
from familycontext.config.settings import ROLE_NAMES
from familycontext.governance.models import AuditEntry
from tests.web.family import make_user


def config_file(tmp_path, text: str):
    path = tmp_path / "familycontext.toml"
    path.write_text(text)
    return path


def test_the_configuration_knows_the_same_roles_as_accounts():
    assert tuple(ROLES) == ROLE_NAMES


def test_a_role_map_naming_an_unknown_role_stops_start_up(tmp_path):
    path = config_file(tmp_path, '[sso]\nenabled = true\nissuer = "https://login.example"\n'
                                 'client_id = "fc"\n[sso.role_map]\n"FC-Staff" = "superuser"\n')
    with pytest.raises(ConfigError, match=r"sso: .*role_map\['FC-Staff'\] names unknown role"):
        load_configuration(path)


@pytest.mark.parametrize("text, message", [
    ('[sso]\nenabled = true\n', "issuer and client_id are needed"),
    ('[sso]\nissuer = "http://login.example"\n', "issuer must be an https:// address"),
    ('[sso]\nscopes = ["profile"]\n', "scopes must include openid"),
    ('[local_accounts]\nenabled = false\n', "needs sso.enabled = true"),
    ('[local_accounts]\nsecond_factor = "sometimes"\n', "second_factor must be"),
    ('[sso]\nclient_secret = "hunter2"\n', "unknown key"),  # the secret itself has no key
])
def test_bad_sign_in_settings_are_refused_naming_the_problem(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_configuration(config_file(tmp_path, text))


def test_groups_map_to_combined_roles(tmp_path):
    config = load_configuration(config_file(tmp_path, (
        '[sso]\nenabled = true\nissuer = "https://login.example"\nclient_id = "fc"\n'
        '[sso.role_map]\n"FC-Managers" = ["practitioner", "team_manager"]\n"FC-IG" = "auditor"\n')))
    assert config.sso.roles_for(["FC-Managers", "FC-IG", "Everyone"]) == {
        "practitioner", "team_manager", "auditor"}
    assert config.sso.roles_for(["Everyone"]) == set()


def test_identity_is_read_from_the_claims_and_a_missing_username_is_refused(settings):
    identity = sso.identity_from_claims({"sub": "1", "preferred_username": "ann@example.gov.uk",
                                         "name": "Ann Other", "groups": "FC-Practitioners"},
                                        settings.CONFIG.sso)
    assert (identity.username, identity.first_name, identity.last_name, identity.groups) == (
        "ann@example.gov.uk", "Ann", "Other", ("FC-Practitioners",))
    with pytest.raises(sso.SignOnRefused):
        sso.identity_from_claims({"sub": "1"}, settings.CONFIG.sso)


@pytest.mark.django_db
def test_role_changes_are_audited_with_before_and_after_and_unchanged_roles_are_not(monkeypatch):
    user = make_user("sam", "practitioner")
    assert set_roles(user, ["practitioner", "auditor"], source="command")
    assert not set_roles(user, ["auditor", "practitioner"], source="command")
    entry = AuditEntry.objects.get()
    assert entry.action == "roles_changed" and entry.username.startswith("command line (")
    assert entry.details == {"account": "sam", "before": ["practitioner"],
                             "after": ["auditor", "practitioner"], "how": "command"}


@pytest.mark.django_db
def test_createuser_is_audited(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-passphrase\n"))
    call_command("createuser", "kim", "--role", "data_manager", "--password-stdin", stdout=io.StringIO())
    assert [(e.action, e.details["account"]) for e in AuditEntry.objects.all()] == [
        ("user_changed", "kim"), ("roles_changed", "kim")]
