"""Break-glass in Debian's Chromium: a practitioner opens a restricted record with a written reason,
an auditor sees the alert and the trail; axe-core checks every new page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from familycontext.governance.models import Alert, AuditEntry
from tests.browser.test_journey import assert_accessible
from tests.web.family import PASSWORD, build_family, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def script_errors(page) -> list[str]:
    """Console errors, less Chromium's note that a form with errors came back as 400 (on purpose)."""
    return [e for e in page.console_errors if "status of 400" not in e]


JUSTIFICATION = "Strategy meeting today needs the refuge's housing contact for safety planning."


@pytest.fixture
def people(transactional_db):
    family = build_family()
    make_user("pat", "practitioner")
    make_user("aud", "auditor", first_name="Ari", last_name="Auditor")
    make_user("dee", "data_manager", first_name="Dee", last_name="Data")
    return family


def sign_in(page, base: str, username: str, next_page: str = "/") -> None:
    page.goto(base + "/sign-in?next=" + next_page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_break_glass_opens_a_restricted_record_and_alerts_auditors(live_server, new_page, people):
    base = live_server.url
    page = new_page()
    sign_in(page, base, "pat")
    page.goto(base + "/reason?next=/person/P00000004")
    page.get_by_label("Case management system ID of the child").fill("CMS100")
    page.get_by_label("Section 47 enquiry").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="This is a restricted record")).to_be_visible()
    assert "Refuge Homes" not in page.content() and "Secret Lane" not in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Ask for access to restricted details").click()
    expect(page.get_by_role("heading", name="Why do you need to see Rose Hidden's restricted details?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your reason").fill("Need it")
    page.get_by_role("button", name="Show restricted details").click()
    expect(page.locator(".govuk-error-summary a[href='#justification']")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your reason").fill(JUSTIFICATION)
    page.get_by_role("button", name="Show restricted details").click()

    page.wait_for_url(base + "/person/P00000004")
    expect(page.get_by_text("You are seeing a restricted record through break-glass access")).to_be_visible()
    page.get_by_text("Housing details", exact=True).click()
    page.locator("#service-details-housing").wait_for()
    assert "Refuge Homes" in page.locator("#card-housing").inner_text()
    assert_accessible(page)
    assert script_errors(page) == []
    assert AuditEntry.objects.filter(action="break_glass", username="pat").count() == 1
    assert Alert.objects.filter(kind="break_glass").count() == 1

    auditor = new_page()
    sign_in(auditor, base, "aud", "/audit")
    auditor.get_by_role("link", name="Alerts").first.click()
    expect(auditor.get_by_role("heading", name="Alerts")).to_be_visible()
    assert JUSTIFICATION in auditor.content()
    assert_accessible(auditor)
    auditor.get_by_role("button", name="Mark alert").click()
    expect(auditor.get_by_text("There are no alerts to show.")).to_be_visible()

    auditor.get_by_role("link", name="Audit trail").first.click()
    expect(auditor.get_by_role("heading", name="Audit trail")).to_be_visible()
    assert_accessible(auditor)
    auditor.get_by_label("Username").fill("pat")
    auditor.get_by_label("Action").select_option("break_glass")
    auditor.get_by_role("button", name="Filter").click()
    expect(auditor.get_by_role("heading", name="1 entry")).to_be_visible()
    auditor.get_by_label("Day").first.fill("31")
    auditor.get_by_label("Month").first.fill("2")
    auditor.get_by_label("Year").first.fill("2026")
    auditor.get_by_role("button", name="Filter").click()
    expect(auditor.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(auditor)

    auditor.goto(base + "/audit/who-viewed")
    auditor.get_by_label("Person ID").fill("P00000004")
    auditor.get_by_role("button", name="Show views").click()
    expect(auditor.get_by_role("heading", name="views of P00000004")).to_be_visible()
    assert_accessible(auditor)
    assert script_errors(auditor) == []


def test_a_data_managers_restriction_pages_are_accessible(live_server, new_page, people):
    base = live_server.url
    page = new_page()
    sign_in(page, base, "dee", "/data/restrictions")
    page.get_by_role("link", name="Restricted people").first.click()
    expect(page.get_by_role("heading", name="Restricted people")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Restrict or lift a restriction: person ID").fill("P00000003")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Save restriction").click()  # nothing chosen: errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, restrict this person").check()
    page.get_by_label("Reason").fill("Placed in a refuge this week.")
    page.get_by_role("button", name="Save restriction").click()
    expect(page.get_by_text("Restriction saved for P00000003")).to_be_visible()
    assert_accessible(page)
