"""The ecomap's description (issue 10): a pure function of the person, the related individuals
and their closed-card flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from familycontext.people.ecomap import Related, ServiceFlag, age_label, build_ecomap

TODAY = date(2025, 6, 1)
SERVICES = (("school", "School"), ("housing", "Housing"), ("adult_social_care", "Adult Social Care"),
            ("police", "Police"))


@dataclass
class P:
    id: str
    name: str
    date_of_birth: date | None = None
    restricted: bool = False

    @property
    def full_name(self) -> str:
        return self.name


def flags(*found: str) -> list[ServiceFlag]:
    return [ServiceFlag(key, title, key in found, f"{title} source") for key, title in SERVICES]


CHILD = P("C", "Ava Smith", date(2016, 3, 1))
MOTHER = P("M", "Jane Smith", date(1990, 6, 2))
HIDDEN = P("H", "Rose Hidden", date(1995, 1, 1), restricted=True)


def test_the_person_is_at_the_centre_with_only_the_services_that_have_records():
    ecomap = build_ecomap(CHILD, [Related("Mother", MOTHER, "CMS1")],
                          {"C": flags("school"), "M": flags("housing", "police")}, today=TODAY)
    assert ecomap.centre.is_centre and ecomap.centre.name == "Ava Smith"
    assert ecomap.centre.relationship == "This person" and ecomap.centre.age == "age 9"
    assert [s.title for s in ecomap.centre.services] == ["School"]
    mother = ecomap.related[0]
    assert (mother.relationship, mother.age) == ("Mother", "age 34")  # birthday tomorrow
    assert [s.service for s in mother.services] == ["housing", "police"]
    assert {(e.tail, e.head, e.kind) for e in ecomap.edges} == {
        ("ecomap-p0", "ecomap-p1", "relationship"),
        ("ecomap-p0", "ecomap-p0-school", "service"),
        ("ecomap-p1", "ecomap-p1-housing", "service"),
        ("ecomap-p1", "ecomap-p1-police", "service"),
    }


def test_someone_related_in_two_ways_is_one_node_naming_both():
    ecomap = build_ecomap(CHILD, [Related("Mother", MOTHER, "CMS1"),
                                  Related("Household member", MOTHER, "CMS1"),
                                  Related("Mother", MOTHER, "CMS1"),
                                  Related("Self", CHILD, "CMS0")], {}, today=TODAY)
    assert len(ecomap.related) == 1
    assert ecomap.related[0].relationship == "Mother, Household member"


def test_restricted_people_have_no_service_nodes_until_break_glass():
    related = [Related("Aunt", HIDDEN, "CMS9")]
    shut = build_ecomap(CHILD, related, {"H": flags("police")}, today=TODAY)
    assert shut.related[0].withheld and shut.related[0].services == ()
    assert shut.related[0].note == "Restricted record: services not shown"
    assert "Police" not in shut.description
    opened = build_ecomap(CHILD, related, {"H": flags("police")}, today=TODAY, unrestricted={"H"})
    assert not opened.related[0].withheld
    assert [s.title for s in opened.related[0].services] == ["Police"]


def test_a_restricted_person_at_the_centre_shows_no_services_either():
    ecomap = build_ecomap(HIDDEN, [], {"H": flags("housing")}, today=TODAY)
    assert ecomap.centre.withheld and ecomap.centre.services == ()


def test_a_record_not_linked_to_a_person_is_shown_by_its_id_without_services():
    ecomap = build_ecomap(CHILD, [Related("Father", None, "CMS77")], {}, today=TODAY)
    father = ecomap.related[0]
    assert (father.name, father.person_id, father.services) == ("Record CMS77", None, ())
    assert father.note == "Not linked to a person: no service information"


def test_ages_are_whole_years_and_unknown_without_a_plausible_date_of_birth():
    assert age_label(date(2016, 6, 1), TODAY) == "age 9"
    assert age_label(date(2016, 6, 2), TODAY) == "age 8"
    assert age_label(None, TODAY) == "age not known"
    assert age_label(date(2030, 1, 1), TODAY) == "age not known"


def test_the_description_names_everyone_and_their_flags():
    ecomap = build_ecomap(CHILD, [Related("Mother", MOTHER, "CMS1")],
                          {"C": flags(), "M": flags("adult_social_care")}, today=TODAY)
    assert ecomap.description == (
        "Ava Smith (age 9) is at the centre. No records found in the services shown. "
        "Jane Smith, Mother, age 34. Records found: Adult Social Care.")


@given(st.lists(st.tuples(st.sampled_from(["Mother", "Father", "Sibling", "Same address"]),
                          st.integers(0, 6), st.booleans(),
                          st.sets(st.sampled_from([k for k, _ in SERVICES]))), max_size=12))
def test_every_service_node_belongs_to_one_shown_person_and_ids_are_unique(rows):
    people = {i: P(f"X{i}", f"Person {i}", date(1980 + i, 1, 1), restricted=r) for _, i, r, _ in rows}
    related = [Related(rel, people[i], f"CMS{i}") for rel, i, _, _ in rows]
    found = {f"X{i}": flags(*services) for _, i, _, services in rows}
    ecomap = build_ecomap(CHILD, related, found, today=TODAY)
    ids = [p.node_id for p in ecomap.people] + [s.node_id for p in ecomap.people for s in p.services]
    assert len(ids) == len(set(ids))
    assert len(ecomap.related) == len({p.id for p in people.values() if any(p is people[i] for _, i, _, _ in rows)})
    for node in ecomap.related:
        person = next(p for p in people.values() if p.id == node.person_id)
        if person.restricted:
            assert node.services == ()
        else:
            assert {s.service for s in node.services} == {f.service for f in found[person.id] if f.records_found}
