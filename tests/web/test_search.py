from __future__ import annotations

import pytest
from django.utils import timezone

from familycontext.governance.models import AuditEntry
from familycontext.governance.reason import SESSION_KEY
from familycontext.people.index import rebuild_search_index
from familycontext.people.models import Person
from familycontext.people.search import search_people
from familycontext.sources.models import Snapshot
from tests.web.family import _record, _source, make_user

pytestmark = pytest.mark.django_db


def search(client, **fields):
    data = {"search-by": "name", "first-name": "", "last-name": "",
            "date-of-birth-day": "", "date-of-birth-month": "", "date-of-birth-year": ""}
    data.update(fields)
    return client.post("/", data)


def test_find_person_page_shows_both_ways_to_search(with_reason):
    page = with_reason.get("/").content.decode()
    assert "Search by name" in page and "Case management system ID" in page
    assert 'name="date-of-birth-day"' in page


def test_name_search_lists_best_matches_and_ties_youngest_first(with_reason, family):
    response = search(with_reason, **{"first-name": "ava", "last-name": "SMITH"})
    assert response.status_code == 302 and response["Location"] == "/results"
    page = with_reason.get("/results").content.decode()
    assert page.index("CMS100") < page.index("Not found in case management system")
    assert "12 High Street" in page and "3 Other Road" in page
    assert "Exampleton</td>" not in page  # only the first line of the address
    assert "may show sensitive information" in page


def test_results_explain_match_strength_and_order_and_each_rows_evidence(with_reason, family):
    search(with_reason, **{"first-name": "Ava", "last-name": "Smith"})
    page = with_reason.get("/results").content.decode()
    explained = page[page.index('id="match-strength"'):]
    assert "Strong match: names and date of birth agree" in explained
    assert "People who match equally well are listed by family name and first name, then youngest first" in page
    assert "Exact name" in page  # each row says what its strength rests on
    # Below 640 px each person is a GOV.UK summary card (the stylesheet shows one or the other).
    cards = page[page.index('class="govuk-list fc-results__narrow"'):]
    assert cards.count('class="govuk-summary-card"') == 2 and "Ava Smith" in cards


def test_a_search_by_nhs_number_is_recorded_as_one(with_reason, family):
    with_reason.post("/", {"search-by": "cms-id", "cms-id": "943 476 5919"})
    assert AuditEntry.objects.get(action="searched").search_terms == {"nhs_number": "943 476 5919"}


def test_names_in_either_order_are_found_but_rank_below_the_right_order(db, family):
    _indexed_person("P00000009", "Smith", "Ava")
    found = search_people("Smith", "Ava")
    assert [p.id for p in found][0] == "P00000009"
    assert {p.id for p in found} == {"P00000009", "P00000001", "P00000005"}


def test_search_finds_names_from_other_source_records(db, family):
    assert [p.id for p in search_people("Ava", "Jones")] == ["P00000001"]


def test_wildcards_are_ignored(db, family):
    assert {p.id for p in search_people("Ava*", "%Smith")} == {"P00000001", "P00000005"}


def test_date_of_birth_puts_the_right_person_first_and_a_namesake_below_as_a_weaker_match(with_reason, family):
    dob = family.child.date_of_birth
    search(with_reason, **{"first-name": "Ava", "last-name": "Smith", "date-of-birth-day": str(dob.day),
                         "date-of-birth-month": str(dob.month), "date-of-birth-year": str(dob.year)})
    page = with_reason.get("/results").content.decode()
    assert page.index("CMS100") < page.index("3 Other Road")
    found = search_people("Ava", "Smith", dob)
    assert [p.id for p in found] == ["P00000001", "P00000005"]
    assert found[0].match_strength == "Strong match" and found[1].match_strength != "Strong match"


def test_found_people_are_counted_without_reading_them_and_read_a_slice_at_a_time(db, family,
                                                                                    django_assert_num_queries):
    _indexed_person("P00000009", "Smith", "Ava")
    found = search_people("Smith", "Ava")
    with django_assert_num_queries(0):
        assert len(found) == 3
    with django_assert_num_queries(1):
        first_two = found[0:2]
    assert [p.id for p in first_two] == [p.id for p in found][:2]
    assert all(p.match_strength and 0 < p.match_score <= 1 for p in first_two)
    with django_assert_num_queries(0):
        assert found[5:7] == []


def test_search_and_each_person_shown_are_audited(with_reason, family):
    search(with_reason, **{"first-name": "Ava", "last-name": "Smith"})
    with_reason.get("/results")
    entries = list(AuditEntry.objects.values_list("action", "person_id", "search_terms"))
    assert entries == [
        ("searched", "", {"first_name": "Ava", "last_name": "Smith"}),
        ("shown_in_results", "P00000001", None),
        ("shown_in_results", "P00000005", None),
    ]


def test_restricted_people_never_show_an_address_in_results(with_reason, family):
    search(with_reason, **{"first-name": "Rose", "last-name": "Hidden"})
    page = with_reason.get("/results").content.decode()
    assert "Rose" in page and "Secret Lane" not in page and "Not shown" in page


def test_missing_names_show_an_error_summary_linking_to_the_fields(with_reason):
    response = search(with_reason)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#first-name"' in page and 'href="#last-name"' in page
    assert "Enter a first name" in page and "Enter a family name" in page
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("day", "month", "year", "message", "anchor"), [
    ("31", "2", "2015", "Date of birth must be a real date", "date-of-birth-day"),
    ("1", "", "2015", "Date of birth must include a month", "date-of-birth-month"),
    ("1", "2", "15", "Year must include 4 numbers", "date-of-birth-year"),
    ("1", "2", "2999", "Date of birth must be today or in the past", "date-of-birth-day"),
])
def test_bad_dates_of_birth_are_explained(with_reason, day, month, year, message, anchor):
    page = search(with_reason, **{"first-name": "Ava", "last-name": "Smith", "date-of-birth-day": day,
                                "date-of-birth-month": month, "date-of-birth-year": year}).content.decode()
    assert message in page and f'href="#{anchor}"' in page
    assert f'id="{anchor}"' in page


def test_cms_id_goes_straight_to_the_person(with_reason, family):
    response = with_reason.post("/", {"search-by": "cms-id", "cms-id": " cms100 "})
    assert response["Location"] == "/person/P00000001"
    assert AuditEntry.objects.get().search_terms == {"cms_id": "cms100"}


def test_unknown_cms_id_says_no_one_has_it(with_reason, family):
    with_reason.post("/", {"search-by": "cms-id", "cms-id": "NOPE"})
    assert "No one has the case management system ID" in with_reason.get("/results").content.decode()


def test_blank_cms_id_is_an_error(with_reason):
    page = with_reason.post("/", {"search-by": "cms-id", "cms-id": ""}).content.decode()
    assert 'href="#cms-id"' in page and "Enter a case management system ID" in page


def test_results_are_paginated_and_only_the_page_shown_is_audited(with_reason, db):
    for i in range(25):
        _indexed_person(f"P1{i:07d}", "Lee", "Park")
    search(with_reason, **{"first-name": "Lee", "last-name": "Park"})
    first = with_reason.get("/results").content.decode()
    assert "govuk-pagination" in first and 'href="/results?page=2"' in first
    assert AuditEntry.objects.filter(action="shown_in_results").count() == 20
    second = with_reason.get("/results?page=2").content.decode()
    table, cards = second.split('class="govuk-list fc-results__narrow"')
    assert table.count("Not found in case management system") == cards.count("Not found in case management system") == 5
    assert AuditEntry.objects.filter(action="shown_in_results").count() == 25


def test_results_without_a_search_go_back_to_find_a_person(with_reason):
    assert with_reason.get("/results")["Location"] == "/"


def test_people_without_a_practitioner_role_cannot_search(client, db):
    client.force_login(make_user("aud", "auditor"))
    assert client.get("/").status_code == 403
    assert "You do not have access" in client.get("/").content.decode()
    assert client.get("/conditions").status_code == 200


def test_team_managers_can_search(client, db):
    client.force_login(make_user("tm", "team_manager"))
    assert client.get("/")["Location"] == "/reason?next=%2F"  # after giving a reason
    session = client.session
    session[SESSION_KEY] = {"cms_id": "CMS100", "type": "section_47", "text": ""}
    session.save()
    assert client.get("/").status_code == 200


def _indexed_person(person_id: str, first: str, last: str) -> Person:
    """A person with a live CMS-less source record, indexed for search as a linkage run would."""
    snapshot = Snapshot.objects.filter(live=True, source__service="housing").first() or _source(
        "housing", "Test Homes", timezone.localdate())
    person = Person.objects.create(id=person_id, first_name=first, last_name=last)
    _record(snapshot, f"R{person_id}", person)
    rebuild_search_index()
    return person
