"""Every channel discloses exactly what ``familycontext.disclosure`` allows, field by field.

A generated borough (synthetic generator, loaded and linked as in production) with restricted
children, people outside the age bands and people whose records all fall outside the windows. For
a sample of its people that holds every such case, and for every role: the web person page, the
print page, the ecomap, /api/v1, the reference API and the audit CSV export are compared with the
decider's answer. Restricted homes are looked for, raw, in every response.
"""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from familycontext.api.tokens import create_token
from familycontext.disclosure import Disclosure
from familycontext.governance import restrictions
from familycontext.governance.reason import SESSION_KEY
from familycontext.people.family import linked_in_cms
from familycontext.people.models import Person
from familycontext.people.records import live_records
from familycontext.sources.services import ADULT_SOCIAL_CARE, HOUSING, POLICE, SCHOOL
from familycontext.synth import generate
from tests.web.family import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PEOPLE, SEED = 500, 7  # seed 7 holds a restricted child in the CMS, with relatives
SAMPLE = 45
REFERENCE_IDS = {SCHOOL: "School", HOUSING: "Housing", ADULT_SOCIAL_CARE: "AdultSocialCare", POLICE: "Police"}
ROLES = ("practitioner", "team_manager", "auditor", "data_manager", "administrator")
CAN_VIEW = {"practitioner", "team_manager"}


@pytest.fixture
def borough(transactional_db, tmp_path: Path):
    generate(people=PEOPLE, seed=SEED, out=tmp_path)
    call_command("load", *sorted(str(p) for p in tmp_path.iterdir() if p.is_dir()), verbosity=0)
    call_command("link", verbosity=0)
    # A second restricted person, restricted by a data manager (the CMS restricts the first): a
    # child with relatives in the CMS, so their household is withheld too.
    child = next(p for p in Person.objects.exclude(cms_id="").filter(restricted=False).order_by("id")
                 if linked_in_cms(p) and p.date_of_birth and p.date_of_birth.year > timezone.localdate().year - 16)
    restrictions.change(child, restricted=True, reason="Adoption placement: address not to be disclosed",
                        user=make_user("dee", "data_manager"))
    before = settings.CONFIG
    settings.CONFIG = before.model_copy(update={"api": before.api.model_copy(update={"requests_per_minute": 100_000})})
    yield
    settings.CONFIG = before


def _sample(decider: Disclosure) -> tuple[list[Person], dict[str, int]]:
    """Everyone restricted, everyone at a restricted home, their relatives, people outside an age
    band and people known to a source that shows nothing; then others, up to SAMPLE."""
    people = list(Person.objects.order_by("id"))
    chosen: dict[str, Person] = {}
    cases = {"restricted": 0, "at a restricted home": 0, "outside an age band": 0, "known, nothing shown": 0}
    for p in people:
        reasons = []
        if decider.is_withheld(p):
            reasons.append("restricted")
        elif any(decider.homes.hides(r.address, r.postcode) for r in live_records(p.id)):
            reasons.append("at a restricted home")
        else:
            cards = decider.cards(p)
            if any(not c.shown_for_age for c in cards):
                reasons.append("outside an age band")
            if any(c.known and not c.records_found and c.shown_for_age for c in cards):
                reasons.append("known, nothing shown")
        for r in reasons:
            cases[r] += 1
        if reasons and (reasons[0] in ("restricted", "at a restricted home") or len(chosen) < SAMPLE // 2):
            chosen[p.id] = p
    for p in people:
        if len(chosen) >= SAMPLE:
            break
        chosen.setdefault(p.id, p)
    return list(chosen.values()), cases


def _withheld_texts(decider: Disclosure, person: Person) -> set[str]:
    """How the person's withheld addresses are written in the sources (what must appear nowhere)."""
    restricted = decider.is_withheld(person)
    return {r.address for r in live_records(person.id)
            if r.address and len(r.address) > 6 and (restricted or decider.homes.hides(r.address, r.postcode))}


def words_of(html: str) -> str:
    """The page's text as a reader hears it: tags dropped, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".")


def _hrefs(html: str, start: str, end: str | None = None) -> set[str]:
    if start not in html:
        return set()
    part = html[html.index(start):]
    if end and end in part:
        part = part[:part.index(end)]
    return set(re.findall(r'href="/person/([^"/]+)"', part))


def _ecomap(html: str) -> dict[str, set[str]]:
    """Person id (None for the centre, which has no link) -> services listed with records found."""
    found = {}
    for item in re.findall(r'<li class="fc-ecomap__item".*?</li>\s*(?=<li class="fc-ecomap__item"|</ul>\s*</div>)',
                           html, re.S):
        link = re.search(r'href="/person/([^"]+)"', item)
        if 'fc-ecomap__relationship">This person' in item:
            key = "centre"
        elif link:
            key = link.group(1)
        else:
            continue  # a CMS record linked to no person: no services, nothing to compare
        found[key] = set(re.findall(r'data-service="([a-z_]+)"', item))
    return found


def _clients(role: str):
    user = make_user(f"u-{role}", role)
    web = Client()
    web.force_login(user)
    session = web.session
    child = Person.objects.exclude(cms_id="").order_by("id").first()
    session[SESSION_KEY] = {"cms_id": child.cms_id, "type": "section_47", "text": ""}
    session.save()
    token = create_token(user.username, ["read:people"], 30).secret
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_REASON_CMS_ID": child.cms_id,
           "HTTP_X_REASON_TYPE": "section-47"}
    return user, web, Client(), api


def _compare_person(person: Person, decider: Disclosure, web: Client, api: Client, headers: dict) -> None:
    d = decider.person(person)
    withheld = _withheld_texts(decider, person)
    responses = {}

    page = web.get(f"/person/{person.id}")
    responses["web page"] = html = unescape(page.content.decode())
    assert page.status_code == 200
    assert d.addresses[0].text if d.restricted else "" in html
    v1 = api.get(f"/api/v1/people/{person.id}", **headers)
    responses["v1 person"] = v1.content.decode()
    body = v1.json()
    assert body["restricted"] == d.restricted
    assert [(a["address"], a["postcode"], tuple(a["sources"])) for a in body["addresses"]] == [
        (a.address or None, a.postcode or None, a.sources) for a in d.shown_addresses]
    assert (body["addresses_withheld"] is not None) == d.any_address_withheld
    assert body["other_names"] == list(d.other_names)
    detail = api.get(f"/api/person/detail/{person.id}", **headers)
    responses["reference person"] = detail.content.decode()
    expected_address = "" if d.summary.address_withheld else ", ".join(
        x for x in (person.address, person.postcode) if x)
    assert detail.json()["address"] == expected_address

    if d.restricted:
        for path in (f"/api/v1/people/{person.id}/services", f"/api/v1/people/{person.id}/related"):
            answer = api.get(path, **headers)
            assert answer.status_code == 403, path
            responses[path] = answer.content.decode()
        for path in (f"/api/person/detail/{person.id}/service", f"/api/person/related/{person.id}"):
            answer = api.get(path, **headers)
            assert answer.status_code == 423, path
            responses[path] = answer.content.decode()
        for path in (f"/person/{person.id}/print", f"/person/{person.id}/ecomap"):
            assert web.get(path)["Location"] == f"/person/{person.id}", path
        assert "Records found" not in html and _hrefs(html, 'id="linked"') == set()
    else:
        for a in d.addresses:
            assert a.text in html, (person, a)
        named = {source for a in d.addresses for source in a.sources}
        for c in d.cards:
            assert (c.age_note if not c.shown_for_age else c.label) in words_of(html), (person, c.service)
            # provenance never contradicts a flag: a source the page names knows the person
            if c.shown_for_age and c.source_name in named:
                assert c.known and "No records found" not in c.label, (person, c.service)
        linked = {r.summary.id for r in d.linked if r.summary}
        nearby = {r.summary.id for r in d.same_address if r.summary}
        assert _hrefs(html, 'id="linked"', "Same address in other records</h3>") == linked
        assert _hrefs(html, "Same address in other records</h3>", 'id="ecomap-heading"') == nearby

        services = api.get(f"/api/v1/people/{person.id}/services", **headers).json()
        assert [(s["flag_text"], s["records_found"], s["known"], s["shown_for_age"]) for s in services] == [
            (c.flag_text, c.records_found, c.known, c.shown_for_age) for c in d.cards]
        related = api.get(f"/api/v1/people/{person.id}/related", **headers)
        responses["v1 related"] = related.content.decode()
        related = related.json()
        assert [(r["cms_id"], r["person"]["id"] if r["person"] else None,
                 r["person"]["address_first_line"] if r["person"] else None) for r in related["linked_in_cms"]] == [
            (r.cms_id, r.summary.id if r.summary else None, r.summary.address_first_line if r.summary else None)
            for r in d.linked]
        assert [(p["id"], p["address_first_line"]) for p in related["same_address"]] == [
            (r.summary.id, r.summary.address_first_line) for r in d.same_address]

        ref_services = api.get(f"/api/person/detail/{person.id}/service", **headers).json()
        assert [(s["id"], s["recordsAvailable"]) for s in ref_services] == [
            (REFERENCE_IDS[c.service], c.records_found) for c in d.cards if c.shown_for_age and c.loaded]
        for c in d.cards:
            if c.shown_for_age and c.known and not c.records_found:  # whom to call, in every channel
                opened = api.get(f"/api/person/detail/{person.id}/service/{REFERENCE_IDS[c.service]}", **headers)
                assert opened.json()["data"]["contact"]["name"] == (c.contact.name if c.contact else "")
        ref_related = api.get(f"/api/person/related/{person.id}", **headers)
        responses["reference related"] = ref_related.content.decode()
        by_id = {r.summary.id: r.summary for r in d.related if r.summary}
        assert {p["id"]: p["address"] for p in ref_related.json()} == {
            pid: ("" if s.address_withheld else ", ".join(x for x in (s.address, s.postcode) if x))
            for pid, s in by_id.items()}

        family = decider.family_cards(d)
        expected_map = {"centre" if pid == person.id else pid: {c.service for c in cards if c.shown_for_age and c.records_found}
                        for pid, cards in family.items()}
        for r in d.related:
            if r.summary and r.summary.id not in family:
                expected_map[r.summary.id] = set()  # restricted: drawn without services
        ecomap = unescape(web.get(f"/person/{person.id}/ecomap", HTTP_X_REQUESTED_WITH="fetch").content.decode())
        responses["ecomap"] = ecomap
        assert _ecomap(ecomap) == expected_map, person
        printed = unescape(web.get(f"/person/{person.id}/print").content.decode())
        responses["print"] = printed
        for a in d.addresses:
            assert a.text in printed, (person, a)
        for c in d.cards:
            if c.shown_for_age:
                words = f"Records found in {c.source_name}" if c.records_found else c.label
                assert words in words_of(printed), (person, c.service)
        assert _ecomap(printed) == expected_map

    for channel, text in responses.items():
        for address in withheld:
            assert address not in text, (person, channel, address)


def test_every_channel_discloses_exactly_what_the_decider_allows_for_every_role(borough):
    decider = Disclosure()
    people, cases = _sample(decider)
    assert all(cases.values()) and cases["restricted"] >= 2, f"the borough should hold every case: {cases}"
    viewers = {role: _clients(role) for role in ROLES}
    for role in ROLES:
        user, web, api, headers = viewers[role]
        for person in people:
            if role in CAN_VIEW:
                _compare_person(person, decider, web, api, headers)
                continue
            # No role to view people: no channel says anything about them.
            for path in (f"/person/{person.id}", f"/person/{person.id}/print", f"/person/{person.id}/ecomap"):
                answer = web.get(path)
                assert answer.status_code == 403 and person.last_name not in answer.content.decode(), (role, path)
            for path in (f"/api/v1/people/{person.id}", f"/api/v1/people/{person.id}/related",
                         f"/api/person/related/{person.id}"):
                answer = api.get(path, **headers)
                assert answer.status_code in (401, 403) and person.last_name not in answer.content.decode(), (
                    role, path)
    # The audit CSV export (an auditor's channel) names each person as the decider shows them, and
    # no address at all.
    auditor = viewers["auditor"][1]
    rows = list(csv.DictReader(io.StringIO(auditor.get("/audit/export.csv").content.decode())))
    shown = {p.id: p for p in people}
    assert rows
    for row in rows:
        if row["Person ID"] in shown:
            summary = decider.summary(shown[row["Person ID"]])
            assert row["Person name"] == summary.full_name
    text = auditor.get("/audit/export.csv").content.decode()
    for person in people:
        for address in _withheld_texts(decider, person):
            assert address not in text
