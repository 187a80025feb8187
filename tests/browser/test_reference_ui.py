"""The stock 2021 reference UI, unmodified, served by Family Context at /FamilyContext/ and driven in
Debian's Chromium against a freshly loaded and linked synthetic borough.

The walk: the product's sign-in and reason pages, then in the stock UI a name search, a name and
date-of-birth search, a person page with its service sections opened, related individuals, a
relative through "view", a case-id search, results holding a restricted person and a person
without an address, and "End session". No page error on the way; each person view the UI makes
is audited once, with the reason given on the product's reason page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from familycontext.governance import restrictions
from familycontext.governance.models import AuditAction, AuditEntry
from familycontext.involvement.records import cards
from familycontext.people.family import linked_in_cms
from familycontext.people.models import Person
from familycontext.synth import generate
from tests.reference_ui import reference_ui_build  # noqa: F401 (a fixture)
from tests.web.family import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEOPLE, SEED = 500, 7  # about 180 people after linkage; seed 7 has a restricted child in the CMS
SECTIONS = {"school": "School", "housing": "Housing", "adult_social_care": "Adult Social Care", "police": "Police"}
FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")


@dataclass
class Cast:
    child: Person  # in the CMS, at school, with a relative in the CMS
    relative: Person
    by_case_id: Person
    for_service: dict[str, Person]  # someone with records in each service the child does not have
    restricted: Person
    without_address: Person


def _first(people, what: str) -> Person:
    found = next(iter(people), None)
    assert found is not None, f"the synthetic borough ({PEOPLE} people, seed {SEED}) should hold {what}"
    return found


def _with_records(person: Person, today) -> set[str]:
    return {c.service for c in cards(person, today) if c.shown_for_age and c.loaded and c.records_found}


def _cast() -> Cast:
    today = timezone.localdate()
    people = list(Person.objects.order_by("id"))
    services = {p.id: _with_records(p, today) for p in people}
    child = relative = None
    for person in people:
        if person.cms_id and "school" in services[person.id] and not person.restricted:
            kin = [lp.person for lp in linked_in_cms(person) if lp.person and not lp.person.restricted]
            if kin:
                child, relative = person, kin[0]
                break
    assert child is not None, "the borough should hold a child at school with a relative in the CMS"
    covered = services[child.id] | services[relative.id]
    by_case_id = max((p for p in people if p.cms_id and p.id not in (child.id, relative.id) and not p.restricted),
                     key=lambda p: (len(services[p.id] - covered), p.id))
    covered |= services[by_case_id.id]
    for_service = {}
    for service in SECTIONS:
        if service not in covered:
            for_service[service] = _first((p for p in people if service in services[p.id] and not p.restricted),
                                          f"someone with {service} records")
    restricted = next((p for p in people if p.restricted), None)
    if restricted is None:  # the generator restricts 0.5 % of CMS people; a data manager otherwise
        restricted = _first((p for p in people if p.id not in (child.id, relative.id, by_case_id.id)
                             and p.address), "someone with an address")
        restrictions.change(restricted, restricted=True, user=make_user("dee", "data_manager"),
                            reason="Adoption placement: the address must not be disclosed")
        restricted.restricted = True
    without_address = _first((p for p in people if not p.address and not p.restricted), "someone without an address")
    return Cast(child, relative, by_case_id, for_service, restricted, without_address)


@pytest.fixture
def borough(transactional_db, tmp_path: Path) -> Cast:
    generate(people=PEOPLE, seed=SEED, out=tmp_path)
    call_command("load", *sorted(str(p) for p in tmp_path.iterdir() if p.is_dir()), verbosity=0)
    call_command("link", verbosity=0)
    make_user("pat", "practitioner")
    return _cast()


@pytest.fixture
def served(reference_ui_build):  # noqa: F811
    before = settings.CONFIG
    settings.CONFIG = before.model_copy(update={"api": before.api.model_copy(update={
        "reference_ui_folder": str(reference_ui_build), "requests_per_minute": 10_000})})
    yield reference_ui_build
    settings.CONFIG = before


class Walk:
    """The stock UI in one browser page, with every page error and failed request it causes."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.page_errors: list[str] = []
        self.failed: list[tuple[int, str]] = []  # (status, path) of every answer of 400 or more
        self.sections_opened = 0
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", lambda r: self.failed.append((r.status, r.url.removeprefix(base)))
                if r.status >= 400 else None)

    def search_page(self) -> None:
        self.page.get_by_role("button", name="New search").click()
        expect(self.page.get_by_role("heading", name="Find Service Involvement")).to_be_visible()

    def name_search(self, person: Person, *, with_birth_date: bool = False) -> None:
        self.page.locator("#firstName").fill(person.first_name)
        self.page.locator("#familyName").fill(person.last_name)
        if with_birth_date:
            born = person.date_of_birth
            self.page.locator("input#Day").fill(str(born.day))
            self.page.locator("input#Month").fill(str(born.month))
            self.page.locator("input#Year").fill(str(born.year))
        self.page.locator(".InfoSearch").get_by_role("button", name="Search").click()
        expect(self.page.get_by_role("heading", name=f'Search results for "{person.first_name} '
                                                      f'{person.last_name}"')).to_be_visible()

    def result_row(self, person: Person):
        """The person's row (names, CMS id and date of birth: namesakes are common)."""
        row = self.page.locator("tbody tr").filter(has_text=person.first_name).filter(has_text=person.last_name)
        for text in (person.cms_id, person.date_of_birth and person.date_of_birth.strftime("%d/%m/%Y")):
            if text:
                row = row.filter(has_text=text)
        expect(row.first).to_be_visible()
        return row.first

    def person_page(self, person: Person) -> None:
        expect(self.page.get_by_role("heading", name="Details of individual")).to_be_visible()
        details = self.page.locator(".IndividualPage table").first
        expect(details).to_contain_text(person.first_name)
        expect(details).to_contain_text(person.last_name)

    def open_sections(self) -> set[str]:
        """Opens every section with records ("Open all"); the titles of those opened."""
        page = self.page
        # The services answer has come: sections, or cards saying no records, or the related list.
        expect(page.locator("#service-involvements")).to_be_visible()
        sections = page.locator(".govuk-accordion__section")
        if sections.count() == 0:
            return set()
        page.get_by_role("button", name=re.compile("Open all")).click()
        expect(page.get_by_text("Searching for Service Involvement Details...")).to_have_count(0)
        expect(page.locator(".govuk-accordion__section--expanded")).to_have_count(sections.count())
        expect(page.get_by_text("No details found")).to_have_count(0)
        self.sections_opened += sections.count()
        return {sections.nth(i).locator(".govuk-accordion__section-button").inner_text().strip()
                for i in range(sections.count())}


def test_the_stock_reference_ui_walks_through_family_context(live_server, new_page, served, borough):
    cast = borough
    reason_cms_id = cast.child.cms_id  # a reason must name a child in the live CMS snapshot
    page = new_page()
    walk = Walk(page, live_server.url)
    page.set_default_timeout(15_000)

    # Sign-in and reason: the product's own pages, then the stock UI with that session.
    page.goto(live_server.url + "/FamilyContext/")
    page.wait_for_url("**/sign-in?next=**")
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/reason?next=*")
    page.get_by_label("Section 47 enquiry").check()
    page.get_by_label("Case management system ID of the child").fill(reason_cms_id)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/FamilyContext/")
    expect(page.get_by_role("heading", name="Find Service Involvement")).to_be_visible()
    expect(page.get_by_role("button", name="End session")).to_be_visible()
    views = []  # the person pages the UI shows, in order

    # Name search, then name and date of birth (the UI sends it as an ISO timestamp).
    walk.name_search(cast.child)
    expect(walk.result_row(cast.child)).to_be_visible()
    walk.search_page()
    walk.name_search(cast.child, with_birth_date=True)
    row = walk.result_row(cast.child)
    expect(row).to_contain_text(cast.child.date_of_birth.strftime("%d/%m/%Y"))

    # The child's page: every section with records opened, then related individuals.
    row.click()
    walk.person_page(cast.child)
    views.append(cast.child)
    opened = walk.open_sections()
    assert "School" in opened
    related = page.locator(".RelatedIndividuals")
    expect(related.get_by_role("heading", name="Related individuals from CMS")).to_be_visible()
    relative_row = related.locator("tbody tr").filter(has_text=cast.relative.first_name).filter(
        has_text=cast.relative.last_name).first
    expect(relative_row).to_be_visible()

    # A relative through "view" (the UI asks for the person first, then services and related).
    relative_row.get_by_role("link", name="view").click()
    walk.person_page(cast.relative)
    views.append(cast.relative)
    opened |= walk.open_sections()

    # Case-id search.
    walk.search_page()
    page.locator("#caseIdInput").fill(cast.by_case_id.cms_id.lower())  # typed in lower case
    page.locator("#caseIdSearchViewChildButton").click()
    walk.person_page(cast.by_case_id)
    views.append(cast.by_case_id)
    opened |= walk.open_sections()

    # Whichever of the four services the family did not cover, on someone who has records there.
    for person in cast.for_service.values():
        walk.search_page()
        walk.name_search(person, with_birth_date=bool(person.date_of_birth))
        walk.result_row(person).click()
        walk.person_page(person)
        views.append(person)
        opened |= walk.open_sections()
    assert set(SECTIONS.values()) <= opened, opened

    # Results holding a restricted person: listed without an address; their page says nothing more.
    walk.search_page()
    walk.name_search(cast.restricted)
    row = walk.result_row(cast.restricted)
    address_cell = row.locator("td").nth(5)
    expect(address_cell).to_have_text("")
    row.click()
    walk.person_page(cast.restricted)  # from the results line: the API discloses nothing more
    expect(page.get_by_text("Error loading service involvements: status code 423")).to_be_visible()
    expect(page.get_by_role("button", name="End session")).to_be_visible()  # not sent to sign in
    if cast.restricted.address:
        assert cast.restricted.address not in page.locator("#root").inner_text()

    # Results holding a person without an address.
    walk.search_page()
    walk.name_search(cast.without_address)
    expect(walk.result_row(cast.without_address).locator("td").nth(5)).to_have_text("")

    # End session: signed out of the product too; the UI shows its own sign-in form.
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("button", name="Start session")).to_be_visible()
    assert page.request.get(live_server.url + "/api/auth/status").status == 401
    # Its own form does not sign in (that would skip the reason); opening the UI again does.
    page.locator("#username").fill("pat")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_text("You’re not permitted to login")).to_be_visible()
    page.goto(live_server.url + "/FamilyContext")
    page.wait_for_url("**/sign-in?next=**")

    # No page error; the only failed loads are the expected ones.
    assert walk.page_errors == []
    expected = {(404, "/FamilyContext/council-logo.png"),  # the build names a logo it does not hold
                (401, "/api/auth/status"),  # after "End session", as the UI expects
                (403, "/api/auth/login")}  # its own sign-in form, refused
    restricted_paths = (f"/api/person/detail/{cast.restricted.id}/service", f"/api/person/related/{cast.restricted.id}")
    unexpected = [(s, p) for s, p in walk.failed if (s, p) not in expected and not (s == 423 and p in restricted_paths)]
    assert unexpected == []
    assert not (served / "council-logo.png").exists()
    for message in page.console_errors:
        assert FAILED_LOAD.match(message), message
    assert len(page.console_errors) == len(walk.failed)

    # Each person view audited once, with the reason given on the product's reason page.
    viewed = list(AuditEntry.objects.filter(action=AuditAction.VIEWED_PERSON).order_by("sequence"))
    assert {(e.username, e.reason_cms_id, e.reason_type) for e in viewed} == {
        ("pat", reason_cms_id, "section_47")}
    opened_entries = AuditEntry.objects.filter(action__in=[
        AuditAction.VIEWED_SCHOOL, AuditAction.VIEWED_HOUSING, AuditAction.VIEWED_ADULT_SOCIAL_CARE,
        AuditAction.VIEWED_POLICE])
    assert opened_entries.count() == walk.sections_opened  # each section opened audited once
    assert set(opened_entries.values_list("reason_cms_id", flat=True)) == {reason_cms_id}
    searched = AuditEntry.objects.filter(action=AuditAction.SEARCHED)
    assert {"cms_id": cast.by_case_id.cms_id.lower()} in [e.search_terms for e in searched]
    assert AuditEntry.objects.filter(action=AuditAction.SIGNED_OUT, username="pat").exists()
    # once per person page, although the UI asks two or three times (person, services, related)
    assert [e.person_id for e in viewed] == [p.id for p in views]
