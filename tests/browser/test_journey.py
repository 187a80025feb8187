"""The social worker's journey in Debian's Chromium: by mouse, by keyboard alone, without
JavaScript and at 320 px; accessibility checked by axe-core on every page on the way."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from familycontext.governance.models import AuditEntry
from tests.web.family import PASSWORD, build_family, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    # Every part of the page inside a landmark (a best-practice rule, run as well: banners
    # outside any landmark are missed by screen-reader users moving by landmarks).
    "rules": {"region": {"enabled": True}},
    "resultTypes": ["violations"],
}
_axe = Axe()

EXPECTED_JOURNEY = [
    ("signed_in", ""),
    ("searched", ""),
    ("shown_in_results", "P00000001"),
    ("shown_in_results", "P00000005"),
    ("viewed_person", "P00000001"),
    ("viewed_school", "P00000001"),
    ("viewed_person", "P00000002"),
    ("viewed_housing", "P00000002"),
    ("viewed_adult_social_care", "P00000002"),
    ("viewed_police", "P00000002"),
]


def assert_accessible(page) -> None:
    """No axe violation of the WCAG 2.2 AA rules at all: none is excused (the reason page no
    longer uses GOV.UK's conditional reveal, whose aria-expanded on a radio axe rightly flags)."""
    results = _axe.run(page, options=AXE_OPTIONS)
    assert not results.response["violations"], f"{page.url}\n{results.generate_report()}"


def assert_fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide at {width}px"


@pytest.fixture
def people(transactional_db):
    family = build_family()
    make_user("pat", "practitioner")
    return family


def audit_trail() -> list[tuple[str, str]]:
    return list(AuditEntry.objects.order_by("id").values_list("action", "person_id"))


def test_journey_with_mouse_writes_exactly_the_expected_audit_and_every_page_is_accessible(
        live_server, new_page, people):
    page = new_page()
    page.goto(live_server.url + "/person/P00000001")
    assert page.url.startswith(live_server.url + "/sign-in")
    assert_accessible(page)
    page.get_by_role("link", name="I need help signing in").click()
    expect(page.get_by_role("heading", name="Help signing in")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("button", name="Sign in").click()  # blank: error summary
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Back to the page asked for: the reason comes first.
    page.wait_for_url("**/reason?next=*")
    page.get_by_role("link", name="Find a person").click()
    # Results show dates of birth and addresses: the reason comes before the first search too.
    page.wait_for_url("**/reason?next=%2F")
    page.get_by_role("button", name="Continue").click()  # blank: errors name the fields
    expect(page.locator(".govuk-error-summary a[href='#reason-cms-id']")).to_be_visible()
    page.get_by_label("Case management system ID of the child").fill("zzz")  # no such child
    page.get_by_label("Other", exact=True).check()
    expect(page.get_by_label("If other, describe the work")).to_be_visible()
    page.get_by_label("If other, describe the work").fill("x")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary a[href='#reason-cms-id']")).to_contain_text(
        "is not a child in the case management system")
    expect(page.locator(".govuk-error-summary a[href='#reason-other']")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Section 47 enquiry").check()
    page.get_by_label("Case management system ID of the child").fill("CMS100")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Search by name").click()  # errors first
    expect(page.locator(".govuk-error-summary a[href='#first-name']")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("First name").fill("Ava")
    page.get_by_label("Family name").fill("Smith")
    page.get_by_role("button", name="Search by name").click()
    expect(page.get_by_role("heading", name="Search results")).to_be_visible()
    assert_accessible(page)
    rows = page.locator("table.fc-results tbody tr")
    assert rows.count() == 2 and "CMS100" in rows.first.inner_text()  # youngest first
    page.get_by_role("link", name="View Ava Smith").first.click()

    expect(page.get_by_role("heading", name="Ava Smith", level=1)).to_be_visible()
    assert "Exampleton Primary" not in page.content()  # not in the page until opened
    assert_accessible(page)
    page.get_by_text("School details", exact=True).click()
    page.locator("#service-details-school").wait_for()
    assert "Exampleton Primary" in page.locator("#card-school").inner_text()
    assert_accessible(page)

    page.locator("#linked").get_by_role("link", name="View Jane Smith").click()
    expect(page.get_by_role("heading", name="Jane Smith", level=1)).to_be_visible()
    for service, summary in (("housing", "Housing details"),
                             ("adult_social_care", "Adult Social Care details"),
                             ("police", "Police details")):
        page.get_by_text(summary, exact=True).click()
        page.locator(f"#service-details-{service}").wait_for()
    expect(page.locator("#card-housing a[href='tel:01614960001']")).to_be_visible()
    expect(page.locator("#card-housing a[href='mailto:housing@homes.example.org']")).to_be_visible()
    # Each card opened puts its contact in the summary's "Whom to call", in the cards' order.
    calls = page.locator("#summary-contacts [data-fc-contact-of]")
    expect(calls).to_have_count(3)
    assert [c.split(":")[0] for c in calls.all_inner_texts()] == ["Housing", "Adult Social Care", "Police"]
    assert "Violence with injury" in page.locator("#card-police").inner_text()
    assert_accessible(page)
    assert page.console_errors == []

    assert audit_trail() == EXPECTED_JOURNEY
    reasons = {(e.reason_cms_id, e.reason_type) for e in AuditEntry.objects.filter(action__startswith="viewed")}
    assert reasons == {("CMS100", "section_47")}

    page.get_by_role("link", name="Conditions").first.click()
    expect(page.get_by_role("heading", name="What each service's information includes")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/person/P00000002/service/police")  # the page without JavaScript
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    assert audit_trail()[-1] == ("signed_out", "")


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector``; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key on {page.url}")


def test_the_journey_by_keyboard_alone(live_server, new_page, people):
    page = new_page()
    page.goto(live_server.url + "/sign-in")
    tab_to(page, "#username")
    page.keyboard.type("pat")
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r".*/reason\?next=.*"))  # before the first search
    tab_to(page, "#reason-cms-id")
    page.keyboard.type("CMS100")
    tab_to(page, "input[name='reason-type']")
    page.keyboard.press("ArrowDown")  # radios move with the arrow keys
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "other"
    tab_to(page, "#reason-other")  # the revealed question is next in the tab order
    page.keyboard.type("Strategy discussion")
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")

    tab_to(page, "#first-name")
    page.keyboard.type("Smith")  # names the other way round
    tab_to(page, "#last-name")
    page.keyboard.type("Ava")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/results")
    tab_to(page, "a[href='/person/P00000001']")
    page.keyboard.press("Enter")

    page.wait_for_url(live_server.url + "/person/P00000001")
    tab_to(page, "#details-school summary")
    page.keyboard.press("Enter")
    page.locator("#service-details-school").wait_for()
    tab_to(page, "#linked a[href='/person/P00000002']")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/person/P00000002")
    for slug, service in (("housing", "housing"), ("adult-social-care", "adult_social_care"),
                          ("police", "police")):
        tab_to(page, f"#details-{slug} summary")
        page.keyboard.press("Space")
        page.locator(f"#service-details-{service}").wait_for()
    tab_to(page, "a[href='tel:01614960001']")  # contact links are reachable too

    assert audit_trail() == EXPECTED_JOURNEY
    # every entry after signing in carries the reason, the search and the results too
    assert AuditEntry.objects.filter(reason_text="Strategy discussion").count() == len(EXPECTED_JOURNEY) - 1


def sign_in(page, base: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/reason?next=%2F")  # the reason comes before the first search


def test_without_javascript_card_details_open_on_their_own_page(live_server, new_page, people):
    page = new_page(java_script_enabled=False)
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/reason?next=/person/P00000002")
    page.get_by_label("Case management system ID of the child").fill("CMS100")
    page.get_by_label("Section 17 child in need assessment").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/person/P00000002")
    page.get_by_text("Police details", exact=True).click()  # the browser's own <details>
    page.get_by_role("link", name="Show Police details for Jane Smith").click()
    expect(page.get_by_role("heading", name="Police details")).to_be_visible()
    assert "Violence with injury" in page.content()
    # (axe-core cannot run with JavaScript off; the same page is checked in the first test.)
    assert audit_trail()[-1] == ("viewed_police", "P00000002")


def test_pages_fit_320_pixels_and_content_security_policy_blocks_nothing(live_server, new_page, people):
    page = new_page(viewport={"width": 320, "height": 640})
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server.url)
    assert_fits(page, 320)
    page.goto(live_server.url + "/reason?next=/person/P00000002")
    page.get_by_label("Case management system ID of the child").fill("CMS100")
    page.get_by_label("Section 47 enquiry").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/person/P00000002")
    page.get_by_text("Housing details", exact=True).click()
    page.locator("#service-details-housing").wait_for()
    assert_fits(page, 320)
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    page.goto(live_server.url + "/conditions")
    assert_fits(page, 320)
    assert violations == []
