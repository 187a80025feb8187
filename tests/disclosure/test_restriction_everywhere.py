"""Restriction holds in every channel: the leaks issue 16 found, one test each.

Before break-glass no channel shows a restricted child's flags, family or home; the home is
withheld for everyone recorded at it (mother, brother, lodger), however a source writes it.
"""

from __future__ import annotations

import pytest

from familycontext.governance import break_glass
from tests.disclosure.refuge import REFUGE

pytestmark = pytest.mark.django_db

HOME_WORDS = ("Heather", "HX4")


def leaks(text: str) -> list[str]:
    return [w for w in HOME_WORDS if w.casefold() in text.casefold()]


def test_api_services_of_a_restricted_child_need_break_glass(refuge, api):
    response = api(f"/api/v1/people/{refuge.child.id}/services")
    assert response.status_code == 403
    assert response.json()["type"].endswith("/break-glass-required")
    assert "Records found" not in response.content.decode()


def test_api_related_of_a_restricted_child_need_break_glass(refuge, api):
    response = api(f"/api/v1/people/{refuge.child.id}/related")
    assert response.status_code == 403
    assert "Mary" not in response.content.decode() and not leaks(response.content.decode())


def test_reference_related_and_services_of_a_restricted_child_need_break_glass(refuge, api):
    for path in (f"/api/person/related/{refuge.child.id}", f"/api/person/related/fc:{refuge.child.id}/",
                 f"/api/person/detail/{refuge.child.id}/service"):
        response = api(path)
        # 423 on the reference paths: its client reads any 403 as "signed out" (docs/api.md)
        assert response.status_code == 423, path
        assert response.json()["type"].endswith("/break-glass-required"), path
        assert "Mary" not in response.content.decode() and not leaks(response.content.decode()), path


def test_relatives_records_in_the_api_withhold_the_restricted_home(refuge, api):
    for person in (refuge.mother, refuge.brother, refuge.lodger):
        detail = api(f"/api/v1/people/{person.id}")
        assert detail.status_code == 200
        assert not leaks(detail.content.decode()), person
        assert detail.json()["addresses_withheld"] == "Not shown: restricted"
        reference = api(f"/api/person/detail/{person.id}")
        assert reference.status_code == 200 and not leaks(reference.content.decode()), person
    # Mary's other address is not a restricted home, so it is still shown, with its source.
    shown = api(f"/api/v1/people/{refuge.mother.id}").json()["addresses"]
    assert [a["address"] for a in shown] == ["9 Old Lane, Exampleton"]
    related = api(f"/api/v1/people/{refuge.mother.id}/related")
    assert related.status_code == 200 and not leaks(related.content.decode())
    child = next(r for r in related.json()["linked_in_cms"] if r["cms_id"] == "CMS200")
    assert child["person"]["address_first_line"] is None and child["person"]["restricted"] is True
    # Nobody is listed as living "at the same address" through the refuge
    assert related.json()["same_address"] == []
    assert not leaks(api(f"/api/person/related/{refuge.mother.id}").content.decode())


def test_api_search_results_withhold_the_restricted_home(refuge, api):
    body = api.post("/api/v1/search/by-name", {"first_name": "Mary", "last_name": "Hidden"})
    assert body.status_code == 200 and not leaks(body.content.decode())
    row = body.json()["results"][0]
    assert row["address_first_line"] is None and row["address_withheld"] == "Not shown: restricted"
    reference = api.post("/api/search/person", {"firstName": "Kim", "lastName": "Lodger"})
    assert reference.status_code == 200 and not leaks(reference.content.decode())


def test_relatives_pages_print_and_ecomap_withhold_the_restricted_home(refuge, web):
    for person in (refuge.mother, refuge.brother, refuge.lodger):
        for name in ("web:person", "web:print-person", "web:ecomap"):
            from django.urls import reverse

            page = web.get(reverse(name, args=[person.id]))
            assert page.status_code == 200, (name, person)
            assert not leaks(page.content.decode()), (name, person, leaks(page.content.decode()))
    page = web.get(f"/person/{refuge.mother.id}").content.decode()
    assert "Not shown: restricted" in page and "9 Old Lane" in page
    assert "Kim" not in page  # the lodger is not "at the same address" through the refuge


def test_web_search_results_withhold_the_restricted_home(refuge, web):
    web.post("/", {"search-by": "name", "first-name": "Mary", "last-name": "Hidden"})
    page = web.get("/results").content.decode()
    assert "Mary" in page and not leaks(page) and "Not shown: restricted" in page


def test_the_restricted_childs_own_page_uses_the_same_words(refuge, web):
    page = web.get(f"/person/{refuge.child.id}").content.decode()
    assert "Not shown: restricted" in page and not leaks(page) and "Mary" not in page


def test_break_glass_opens_the_child_and_her_home_on_relatives_pages(refuge, web, rf):
    session = web.session
    session[break_glass.SESSION_KEY] = [refuge.child.id]
    session.save()
    page = web.get(f"/person/{refuge.child.id}").content.decode()
    assert REFUGE in page and "Mary" in page
    assert REFUGE in web.get(f"/person/{refuge.mother.id}").content.decode()


def test_household_withholding_can_be_turned_off(refuge, web, settings):
    settings.CONFIG = settings.CONFIG.model_copy(update={
        "disclosure": settings.CONFIG.disclosure.model_copy(update={"withhold_restricted_households": False})})
    assert REFUGE in web.get(f"/person/{refuge.mother.id}").content.decode()
    # the child herself stays withheld
    assert not leaks(web.get(f"/person/{refuge.child.id}").content.decode())
