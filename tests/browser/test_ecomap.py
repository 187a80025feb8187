"""The ecomap and the print version in Debian's Chromium: accessible (axe-core), no Content
Security Policy violations, fits 400 % zoom, and the PDF holds the ecomap, the user and the dates."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from familycontext.governance.models import AuditEntry
from tests.browser.test_journey import assert_accessible, assert_fits, sign_in
from tests.web.family import build_family, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db):
    family = build_family()
    make_user("pat", "practitioner")
    return family


def _with_reason(page, base: str, next_path: str) -> None:
    page.goto(base + "/reason?next=" + next_path)
    page.get_by_label("Case management system ID of the child").fill("CMS100")
    page.get_by_label("Section 47 enquiry").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(base + next_path)


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


def test_ecomap_opens_on_the_person_page_accessible_and_within_the_csp(live_server, new_page, people):
    page = new_page()
    violations = _watch_csp(page)
    sign_in(page, live_server.url)
    _with_reason(page, live_server.url, "/person/P00000001")
    page.get_by_text("Show the ecomap", exact=True).first.click()
    picture = page.locator("#ecomap svg[role='img']")
    expect(picture).to_be_visible()
    assert picture.get_attribute("aria-labelledby") == "ecomap-title"
    expect(page.locator("#ecomap-list > li")).to_have_count(3)
    box = picture.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100  # drawn, not collapsed
    assert_accessible(page)
    assert violations == [] and page.console_errors == []
    assert AuditEntry.objects.filter(action="viewed_person").count() == 1  # the page
    assert AuditEntry.objects.filter(action="shown_on_ecomap").count() == 3  # everyone in the map


def test_ecomap_at_400_percent_zoom_scales_inside_the_page(live_server, new_page, people):
    # 400 % zoom of a 1280 px wide window is a 320 CSS px viewport.
    page = new_page(viewport={"width": 320, "height": 256})
    sign_in(page, live_server.url)
    _with_reason(page, live_server.url, "/person/P00000001/ecomap")
    picture = page.locator("#ecomap svg")
    expect(picture).to_be_visible()
    assert_fits(page, 320)
    assert picture.bounding_box()["width"] <= 320
    assert_accessible(page)


def test_print_page_saved_as_pdf_holds_the_ecomap_user_and_dates(live_server, new_page, people):
    page = new_page()
    violations = _watch_csp(page)
    sign_in(page, live_server.url)
    _with_reason(page, live_server.url, "/person/P00000002")
    page.get_by_text("Police details", exact=True).click()
    page.locator("#service-details-police").wait_for()
    page.get_by_role("link", name="Print or save as PDF").click()
    page.wait_for_url(live_server.url + "/person/P00000002/print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()  # from print.mjs
    assert_accessible(page)
    assert violations == [] and page.console_errors == []

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    flat = " ".join(text.split())
    assert "Jane Smith" in flat and "Pat Worker" in flat
    assert "Section 47 enquiry for child CMS100" in flat
    assert "The ecomap as a list" in flat
    # The picture is in the PDF as vector text: its node labels, line by line.
    assert "Jane Smith This person age 35" in flat and "Ava Smith Daughter (this person is her mother) age 9" in flat
    assert "Police Records found" in flat
    assert "PC Lee" in flat  # the contact opened in this session
    day = page.locator("#print-sources tbody tr").first.locator("td").nth(2).inner_text()
    assert flat.count(day) >= 5  # each source's date current as of
    for source in ("Children's Case Management", "Exampleton Homes", "Adult Care Records",
                   "Exampleshire Police"):
        assert source in flat
    assert "Sign out" not in flat and "Print or save as PDF" not in flat  # screen-only parts left out
    assert AuditEntry.objects.filter(action="printed", person_id="P00000002").count() == 1
