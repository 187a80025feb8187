"""The data manager's walk in Debian's Chromium: loads → a held load's quality report → accept →
rejected rows and their CSV → an uncertain match decided. axe-core checks every page on the way."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from familycontext.linkage.models import LinkageRun, LinkEvidence, ReviewDecision, ReviewPair
from familycontext.sources.loader import load_bundle
from familycontext.sources.models import Load, SourceRecord
from tests.browser.test_journey import assert_accessible, assert_fits
from tests.sources.bundles import person, publish_waiting, write_bundle
from tests.web.family import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(transactional_db, tmp_path):
    make_user("dana", "data_manager", first_name="Dana", last_name="Manager")
    load_bundle(write_bundle(tmp_path / "v1", "cms", {"people": [person(f"C{i}", first=f"Child{i}") for i in range(10)]}))
    held = load_bundle(write_bundle(tmp_path / "v2", "cms", {"people": [person(f"N{i}") for i in range(3)]},
                                    date_current_as_of="2026-11-21"))
    rows = [person(f"S{i}", first=f"Sam{i}") for i in range(30)]
    rows += [person("S99", first="Sam0", dob="2015-04-03"), person("BAD", first="=1+2", dob="2015-02-30")]
    rejects = load_bundle(write_bundle(tmp_path / "p", "police", {"people": rows, "offences": []}))
    publish_waiting()  # as the linkage run below would have
    assert held.outcome == Load.Outcome.HELD and rejects.rows_rejected == 1, rejects.message
    run = LinkageRun.objects.create(started_at=timezone.now(), upper_threshold=0.99, lower_threshold=0.8,
                                    outcome=LinkageRun.Outcome.FINISHED)
    ReviewPair.objects.create(run=run, unique_id_l="police:S0", unique_id_r="police:S99", match_probability=0.9,
                              match_weight=3.2, evidence={"first_name": {"level": "exact", "weight": 6.0},
                                                          "date_of_birth": {"level": "day and month transposed",
                                                                            "weight": 5.5}})
    SourceRecord.objects.filter(record_id__in=["S1", "S2"]).update(person_id="P00000001")
    LinkEvidence.objects.create(run=run, person_id="P00000001", unique_id_l="police:S1", unique_id_r="police:S2",
                                match_probability=0.999, match_weight=12.0,
                                evidence={"first_name": {"level": "Jaro-Winkler >= 0.92", "weight": 4.0}})
    return held, rejects


def test_data_manager_walks_loads_quality_quarantine_and_a_match_decision(live_server, new_page, data):
    held, rejects = data
    base = live_server.url
    page = new_page()
    page.goto(base + "/data/loads")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/data/loads")
    expect(page.get_by_role("heading", name="Data loads")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(rf"^Load {held.pk}\b.*Test cms, Held")).click()
    expect(page.get_by_role("heading", name="Data-quality report")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text("a drop of 70%")
    assert_accessible(page)
    page.get_by_role("button", name="Accept this load").click()
    expect(page.get_by_role("heading", name="Are you sure you want to accept this load?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, accept this load").click()
    expect(page.get_by_text("Load accepted")).to_be_visible()
    expect(page.get_by_text("New snapshot waiting for linkage")).to_be_visible()
    assert Load.objects.get(pk=held.pk).outcome == Load.Outcome.LOADED
    assert_accessible(page)

    page.get_by_role("link", name="All data loads").click()
    page.get_by_role("link", name=re.compile(rf"^Load {rejects.pk}\b.*Test police")).click()
    page.get_by_role("link", name="See the 1 rejected row").click()
    expect(page.get_by_role("heading", name="Rejected rows")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download rejected rows (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert rows[1][rows[0].index("first_name")] == "'=1+2"

    page.get_by_role("link", name="Uncertain matches").click()
    assert_accessible(page)
    page.get_by_role("link", name="Review Sam0 Khan and Sam0 Khan").click()
    expect(page.get_by_role("heading", name="Are these the same person?")).to_be_visible()
    expect(page.get_by_text("Day and month swapped: strong evidence for")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Note (optional)").fill("Checked with the school")
    page.get_by_role("button", name="Same person").click()
    expect(page.get_by_text("Decision saved")).to_be_visible()
    assert_accessible(page)
    decision = ReviewDecision.objects.get()
    assert decision.same_person and decision.decided_by == "dana" and decision.note == "Checked with the school"

    page.get_by_role("link", name="Linkage runs").click()
    expect(page.get_by_role("heading", name="Linkage runs")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Run \d+")).first.click()
    page.get_by_text("Model parameters").click()
    assert_accessible(page)
    page.goto(base + "/data/people/P00000001/why-linked")
    expect(page.get_by_text("Spelt almost the same (a typo)")).to_be_visible()
    assert_accessible(page)
    assert not page.console_errors


def test_data_manager_pages_fit_320_pixels(live_server, new_page, data):
    held, _ = data
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(live_server.url + "/data/loads")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/data/loads")
    for path in ("/data/loads", f"/data/loads/{held.pk}", "/data/matches", "/data/linkage-runs"):
        page.goto(live_server.url + path)
        assert_fits(page, 320)
    pair = ReviewPair.objects.get()
    page.goto(f"{live_server.url}/data/matches/{pair.pk}")
    assert_fits(page, 320)
