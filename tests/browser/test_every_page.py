"""Every page, at 1280 px and at 320 px (400 % zoom): no axe violation of the WCAG 2.2 AA rules
(and the landmark rule), nothing wider than the window. Also, in the browser: the person page's
summary and relationship words, results as summary cards on a narrow screen, and the person
page's own print (no link addresses, the summary on page 1)."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from familycontext.linkage.models import LinkageRun, ReviewPair
from familycontext.sources.models import Load
from tests.browser.test_data_manager import data  # noqa: F401  (the data manager's fixture)
from tests.browser.test_journey import assert_accessible, assert_fits
from tests.web.family import PASSWORD, build_family, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


@pytest.fixture
def family(transactional_db):
    build_family()
    make_user("all", "practitioner", "team_manager", "auditor", "data_manager",
              first_name="Alex", last_name="Everyrole")


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def check(page, width: int) -> None:
    assert_accessible(page)
    assert_fits(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_practitioner_and_governance_page_is_accessible_and_fits(live_server, new_page, family, width):
    base = live_server.url
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(base + "/sign-in")
    check(page, width)
    page.goto(base + "/sign-in/help")
    check(page, width)
    sign_in(page, base, "all")
    page.wait_for_url("**/reason?next=*")  # results show dates of birth: a reason comes first
    check(page, width)
    page.get_by_label("Case management system ID of the child").fill("CMS100")
    page.get_by_label("Section 47 enquiry").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Find a person")).to_be_visible()
    check(page, width)

    page.get_by_label("First name").fill("Ava")
    page.get_by_label("Family name").fill("Smith")
    page.get_by_role("button", name="Search by name").click()
    expect(page.get_by_role("heading", name="Search results")).to_be_visible()
    check(page, width)
    # Below 640 px each result is a summary card; above it, a table row.
    cards, table = page.locator(".fc-results__narrow"), page.locator(".fc-results__wide")
    if width < 640:
        expect(cards).to_be_visible()
        expect(table).to_be_hidden()
        expect(cards.locator(".govuk-summary-card")).to_have_count(2)
    else:
        expect(table).to_be_visible()
        expect(cards).to_be_hidden()
    expect(page.locator("#match-strength")).to_contain_text("Strong match: names and date of birth agree")

    page.goto(base + "/person/P00000002")
    check(page, width)
    # The mother's page: the summary first, her child in her words, then whom to call.
    expect(page.locator("#summary-services")).to_have_text(
        "Known to: Housing, Adult Social Care, Police · School: not shown for age 35")
    expect(page.locator("#summary-family")).to_contain_text("Ava Smith (daughter, age 9 years)")
    expect(page.locator("#linked")).to_contain_text("Daughter (this person is her mother)")
    page.get_by_role("button", name="Open all service details").click()
    expect(page.locator("#summary-contacts [data-fc-contact-of]")).to_have_count(3)
    check(page, width)  # every card open, the police offences table among them

    for path in ("/person/P00000001", "/person/P00000002/service/police", "/person/P00000002/ecomap",
                 "/person/P00000002/print", "/conditions", "/audit", "/audit/who-viewed?person=P00000002",
                 "/audit/alerts", "/data/restrictions", "/person/P00000004", "/person/P00000004/break-glass",
                 "/person/P00000004/restriction", "/account/authenticator", "/reason"):
        page.goto(base + path)
        check(page, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_data_manager_page_is_accessible_and_fits(live_server, new_page, data, width):  # noqa: F811
    held, rejects = data
    base = live_server.url
    page = new_page(viewport={"width": width, "height": 900})
    sign_in(page, base, "dana")
    run = LinkageRun.objects.get()
    for path in ("/data/loads", f"/data/loads/{held.pk}", f"/data/loads/{rejects.pk}",
                 f"/data/loads/{rejects.pk}/quarantine", "/data/matches",
                 f"/data/matches/{ReviewPair.objects.get().pk}", "/data/linkage-runs",
                 f"/data/linkage-runs/{run.pk}", "/data/people/P00000001/why-linked", "/conditions"):
        page.goto(base + path)
        assert page.url.endswith(path), page.url
        check(page, width)
    assert Load.objects.filter(pk=held.pk, outcome=Load.Outcome.HELD).exists()  # looking changed nothing


def test_a_user_without_a_role_sees_an_accessible_page(live_server, new_page, transactional_db):
    make_user("nobody")
    page = new_page()
    sign_in(page, live_server.url, "nobody")
    expect(page.get_by_role("heading", name="Your account has no role yet")).to_be_visible()
    check(page, 1280)


def test_the_person_pages_own_print_has_the_summary_first_and_no_link_addresses(live_server, new_page, family):
    base = live_server.url
    page = new_page()
    sign_in(page, base, "all")
    page.goto(base + "/reason?next=/person/P00000002")
    page.get_by_label("Case management system ID of the child").fill("CMS100")
    page.get_by_label("Section 47 enquiry").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(base + "/person/P00000002")
    pages = PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
    first = " ".join(pages[0].extract_text().split())
    everything = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Known to: Housing, Adult Social Care, Police" in first
    assert "Printed by Alex Everyrole" in first
    assert "(/" not in everything and "http" not in everything  # no link addresses printed
    assert "Open all service details" not in everything and "Show the ecomap" not in everything
    assert "Daughter (this person is her mother)" in everything
