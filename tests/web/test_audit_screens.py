"""Audit screens, export, "who has viewed this person", alerts, break-glass and restrictions."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from familycontext.accounts.roles import set_roles
from familycontext.config.settings import Audit, Configuration
from familycontext.governance import chain
from familycontext.governance.audit import build_entry
from familycontext.governance.models import Alert, AuditEntry, Restriction, StaffArea, Team
from familycontext.governance.reason import SESSION_KEY
from tests.web.family import build_family

pytestmark = pytest.mark.django_db

RESTRICTED = "/person/P00000004"
JUSTIFICATION = "Strategy meeting today needs the refuge's housing contact for safety planning."


def account(username: str, *roles: str, last_name: str = "Worker", reason: bool = True) -> Client:
    user = get_user_model().objects.create_user(username, first_name=username.title(), last_name=last_name)
    set_roles(user, list(roles))
    client = Client(REMOTE_ADDR="10.0.0.7")
    client.force_login(user)
    if reason:
        session = client.session
        session[SESSION_KEY] = {"cms_id": "CMS100", "type": "section_47", "text": ""}
        session.save()
    client.user = user
    return client


@pytest.fixture
def family(db):
    return build_family()


def entries_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_a_team_manager_sees_their_teams_entries_and_an_auditor_sees_everyones(family):
    member, outsider = account("mia", "practitioner"), account("olly", "practitioner")
    manager, auditor = account("tess", "team_manager"), account("aud", "auditor")
    team = Team.objects.create(name="Assessment team 1")
    team.managers.add(manager.user)
    team.members.add(member.user)
    member.get("/person/P00000001")
    outsider.get("/person/P00000002")

    page = manager.get("/audit").content.decode()
    assert "Mia Worker" in page and "Olly Worker" not in page and "Ava Smith" in page
    assert "Olly Worker" in auditor.get("/audit").content.decode()
    exported = entries_csv(manager.get("/audit/export.csv"))
    assert {row["Username"] for row in exported} <= {"mia", "tess"}
    assert any(row["Person ID"] == "P00000001" for row in exported)


def test_the_trail_filters_by_user_person_action_and_dates(family):
    pat, auditor = account("pat", "practitioner"), account("aud", "auditor")
    pat.get("/person/P00000001")
    pat.get("/person/P00000002")
    old = build_entry("searched", username="someone")
    old.at = timezone.now() - timedelta(days=40)
    chain.append([old])

    def rows(query: str) -> list[dict[str, str]]:
        return entries_csv(auditor.get(f"/audit/export.csv?{query}"))

    assert {r["Person ID"] for r in rows("user=pat&action=viewed_person")} == {"P00000001", "P00000002"}
    assert [r["Person ID"] for r in rows("person=P00000002")] == ["P00000002"]
    day = timezone.localdate() - timedelta(days=40)
    by_date = rows(f"from-day={day.day}&from-month={day.month}&from-year={day.year}"
                   f"&to-day={day.day}&to-month={day.month}&to-year={day.year}")
    assert [r["Username"] for r in by_date] == ["someone"]
    bad = auditor.get("/audit?from-day=31&from-month=2&from-year=2026")
    assert bad.status_code == 400 and "Date from must be a real date" in bad.content.decode()
    assert auditor.get("/audit?action=nonsense").status_code == 400


def test_the_export_is_audited_and_neutralises_formula_cells(family):
    pat, auditor = account("pat", "practitioner"), account("aud", "auditor")
    pat.post("/", {"search-by": "name", "first-name": "=HYPERLINK(\"http://x\")", "last-name": "-1+2"})
    response = auditor.get("/audit/export.csv?action=searched")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    (row,) = entries_csv(response)
    assert row["Search terms"].startswith('{"first_name"')  # JSON text, starts safely
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    exported = AuditEntry.objects.filter(action="audit_exported").get()
    assert exported.username == "aud" and exported.details == {"rows": 1}
    assert exported.search_terms == {"action": "searched"}


def test_csv_cells_starting_like_formulas_get_a_quote():
    from familycontext.governance.trail import csv_safe

    assert [csv_safe(v) for v in ("=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx", "Smith", None)] == [
        "'=1+1", "'+44", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "Smith", ""]


def test_who_has_viewed_a_person_lists_every_kind_of_view(family):
    pat, auditor = account("pat", "practitioner"), account("aud", "auditor")
    pat.post("/", {"search-by": "name", "first-name": "Jane", "last-name": "Smith"})
    pat.get("/results")
    pat.get("/person/P00000002")
    pat.get("/person/P00000002/service/police")
    page = auditor.get("/audit/who-viewed?person=P00000002").content.decode()
    for label in ("Person shown in results", "Viewed basic details and flags", "Viewed Police details"):
        assert label in page
    assert "Searched" not in page.split("views of P00000002")[-1]
    assert "3 views of P00000002" in page
    # Typed in lower case with spaces around it, as on a subject access request form.
    assert "3 views of" in auditor.get("/audit/who-viewed?person=%20p00000002%20").content.decode()
    assert auditor.get("/audit/who-viewed?person=").status_code == 400
    sar = entries_csv(auditor.get("/audit/export.csv?person=P00000002&views=1"))
    assert len(sar) == 3 and {r["Username"] for r in sar} == {"pat"}


def test_a_team_manager_sees_who_of_their_team_viewed_a_person(family):
    member, outsider = account("mia", "practitioner"), account("olly", "practitioner")
    manager = account("tess", "team_manager")
    team = Team.objects.create(name="Assessment team 1")
    team.managers.add(manager.user)
    team.members.add(member.user)
    member.get("/person/P00000002")
    outsider.get("/person/P00000002")
    response = manager.get("/audit/who-viewed?person=P00000002")
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 view of P00000002" in page and "Mia Worker" in page and "Olly Worker" not in page
    assert "members of the teams you manage" in page


def test_a_restricted_person_needs_break_glass_which_is_audited_alerts_and_lasts_the_session(family):
    pat = account("pat", "practitioner")
    page = pat.get(RESTRICTED).content.decode()
    assert "Secret Lane" not in page and "Records found" not in page and "Refuge Homes" not in page
    assert pat.get(f"{RESTRICTED}/service/housing").status_code == 403

    short = pat.post(f"{RESTRICTED}/break-glass", {"justification": "need it"})
    assert short.status_code == 400 and "Justification must be 30 characters or more" in short.content.decode()
    assert not AuditEntry.objects.filter(action="break_glass").exists()

    assert pat.post(f"{RESTRICTED}/break-glass", {"justification": JUSTIFICATION})["Location"] == RESTRICTED
    entry = AuditEntry.objects.get(action="break_glass")
    assert (entry.username, entry.person_id, entry.reason_cms_id) == ("pat", "P00000004", "CMS100")
    assert entry.details == {"justification": JUSTIFICATION} and entry.client_address == "10.0.0.7"
    alert = Alert.objects.get(kind="break_glass")
    assert JUSTIFICATION in alert.message and alert.person_id == "P00000004"

    page = pat.get(RESTRICTED).content.decode()
    assert "1 Secret Lane" in page and "break-glass access" in page  # the refuge tenancy's address
    details = pat.get(f"{RESTRICTED}/service/housing")
    assert details.status_code == 200 and "Refuge Homes" in details.content.decode()
    # Another user's session is not opened by it.
    assert account("kim", "practitioner").get(f"{RESTRICTED}/service/housing").status_code == 403
    assert chain.verify().ok


def test_a_data_manager_restricts_a_person_and_that_counts_everywhere(family):
    dm, pat = account("dee", "data_manager", reason=False), account("pat", "practitioner")
    assert dm.post("/person/P00000003/restriction", {"restricted": "yes", "reason": "x"}).status_code == 400
    response = dm.post("/person/P00000003/restriction",
                       {"restricted": "yes", "reason": "Moved to a refuge, per the DSL."})
    assert response.status_code == 302
    change = AuditEntry.objects.get(action="restriction_changed")
    assert change.username == "dee" and change.person_id == "P00000003"
    assert change.details == {"restricted": True, "reason": "Moved to a refuge, per the DSL."}
    assert "P00000003" in dm.get("/data/restrictions").content.decode()

    page = pat.get("/person/P00000003").content.decode()
    assert "This is a restricted record" in page and "12 High Street" not in page
    assert pat.get("/person/P00000003/service/housing").status_code == 403
    pat.post("/", {"search-by": "name", "first-name": "Tom", "last-name": "Brown"})
    results = pat.get("/results").content.decode()
    assert "Tom" in results and "12 High Street" not in results and "Not shown" in results

    dm.post("/person/P00000003/restriction", {"restricted": "no", "reason": "Restriction made in error."})
    assert Restriction.objects.count() == 2
    assert "This is a restricted record" not in pat.get("/person/P00000003").content.decode()


def test_a_data_manager_cannot_lift_a_restriction_that_comes_from_the_cms(family):
    dm, pat = account("dee", "data_manager", reason=False), account("pat", "practitioner")
    dm.post(f"{RESTRICTED}/restriction", {"restricted": "no", "reason": "Trying to lift the CMS flag."})
    assert "This is a restricted record" in pat.get(RESTRICTED).content.decode()


def test_viewing_someone_with_your_own_family_name_alerts_auditors(family):
    jo = account("jo", "practitioner", last_name="Smith")
    jo.get("/person/P00000002")  # Jane Smith
    jo.get("/person/P00000002")  # once per day per person
    jo.get("/person/P00000003")  # Tom Brown: no alert
    (alert,) = Alert.objects.filter(kind="same_surname")
    assert alert.username == "jo" and alert.person_id == "P00000002"
    auditor = account("aud", "auditor")
    page = auditor.get("/audit/alerts").content.decode()
    assert "shares their family name" in page
    auditor.post(f"/audit/alerts/{alert.pk}/reviewed")
    assert "shares their family name" not in auditor.get("/audit/alerts").content.decode()
    assert "shares their family name" in auditor.get("/audit/alerts?show=all").content.decode()


def test_the_same_surname_alert_needs_the_same_area_when_the_users_area_is_known(family):
    jo = account("jo", "practitioner", last_name="Smith")
    StaffArea.objects.create(user=jo.user, postcode_district="SK4")
    jo.get("/person/P00000002")  # Jane Smith lives in EX1
    assert not Alert.objects.filter(kind="same_surname").exists()
    StaffArea.objects.filter(user=jo.user).update(postcode_district="EX1")
    jo.get("/person/P00000001")  # Ava Smith, EX1
    assert Alert.objects.filter(kind="same_surname", person_id="P00000001").exists()


def test_unusually_many_views_in_an_hour_alert_auditors_once(family, settings):
    settings.CONFIG = Configuration(audit=Audit(alert_views_per_hour=2))
    pat = account("pat", "practitioner")
    for person in ("P00000001", "P00000002", "P00000003", "P00000005"):
        pat.get(f"/person/{person}")
    (alert,) = Alert.objects.filter(kind="many_views")
    assert alert.username == "pat" and "3 people in an hour" in alert.message
