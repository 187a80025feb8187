"""The borough is plausible: families hang together, schools register children sensibly."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from familycontext.synth import Summary
from familycontext.synth.places import Borough
from familycontext.synth.population import PopulationBuilder

from .conftest import AS_OF, read_csv

OLDER = {"Mother", "Father", "Step-father", "Step-mother", "Grandmother", "Grandfather", "Carer"}


def _clusters(count: int, seed: str = "t"):  # type: ignore[no-untyped-def]
    builder = PopulationBuilder(random.Random(seed), Borough(random.Random(seed), 2000), AS_OF, 0)
    return [builder.cluster() for _ in range(count)]


def test_parents_step_parents_and_grandparents_are_at_least_sixteen_years_older() -> None:
    links = [link for cluster in _clusters(2000) for link in cluster.links if link.label in OLDER]
    assert len(links) > 1000
    for link in links:
        assert link.other.dob + timedelta(days=16 * 365) < link.child.dob, link


def test_grandparents_are_older_than_the_parents() -> None:
    for cluster in _clusters(2000):
        mothers = {link.other.key: link.other for link in cluster.links if link.label == "Mother"}
        for link in cluster.links:
            if link.label in ("Grandmother", "Grandfather"):
                assert all(link.other.dob < mother.dob for mother in mothers.values())


def test_household_members_share_one_address_and_households_do_not() -> None:
    seen: dict[str, int] = {}
    for number, cluster in enumerate(_clusters(500)):
        for index, household in enumerate(cluster.households):
            assert len({p.address for p in household}) == 1
            line = household[0].address.line
            assert seen.setdefault(line, number * 100 + index) == number * 100 + index


def test_every_person_lives_in_exactly_one_household() -> None:
    for cluster in _clusters(500):
        members = [p.key for household in cluster.households for p in household]
        assert sorted(members) == sorted(p.key for p in cluster.people)


def test_the_population_has_exactly_the_people_asked_for(borough: tuple[Path, Summary]) -> None:
    out, summary = borough
    assert summary.people == 300
    keys = {row["person_key"] for row in read_csv(out / "truth.csv")}
    assert len(keys) <= 300
    assert all(k.startswith("P") and int(k[1:]) < 300 for k in keys)


def test_cms_children_are_younger_than_the_adults_recorded_as_their_parents(
        larger_borough: tuple[Path, Summary]) -> None:
    """Through the noise: most parent links in the file still show a sensible age gap."""
    out, _ = larger_borough
    dob = {r["record_id"]: r["date_of_birth"] for r in read_csv(out / "cms" / "people.csv")}
    gaps = []
    for link in read_csv(out / "cms" / "relationships.csv"):
        if link["relationship"] in ("Mother", "Father") and dob[link["record_id"]] and dob[link["related_record_id"]]:
            gaps.append(date.fromisoformat(dob[link["record_id"]]) - date.fromisoformat(dob[link["related_record_id"]]))
    assert len(gaps) > 50
    assert sum(g > timedelta(days=15 * 365) for g in gaps) / len(gaps) > 0.95


def test_relationship_labels_cover_the_family_shapes(larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    labels = {r["relationship"] for r in read_csv(out / "cms" / "relationships.csv")}
    assert {"Mother", "Father", "Sibling", "Step-father", "Grandmother"} <= labels
    assert labels & {"Half-sister", "Half-brother"}


def test_some_children_are_dual_registered(larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    current: dict[str, set[str]] = defaultdict(set)
    for row in read_csv(out / "school" / "enrolments.csv"):
        if not row["enrolment_end"]:
            current[row["record_id"]].add(row["admission_type"])
    dual = [types for types in current.values() if len(types) > 1]
    assert dual
    assert all("Main provision" in types for types in dual)
    assert all(sum(t == "Main provision" for t in types) == 1 for types in current.values())


def test_schools_hold_historic_enrolments_ended_in_the_coverage_period(
        larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    ended = [r for r in read_csv(out / "school" / "enrolments.csv") if r["enrolment_end"]]
    assert ended
    start = AS_OF.replace(year=AS_OF.year - 3)
    assert all(start <= date.fromisoformat(r["enrolment_end"]) <= AS_OF for r in ended)
    assert all(r["enrolment_start"] <= r["enrolment_end"] for r in ended)


def test_pupils_are_of_school_age(larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    truth = {(r["service"], r["record_id"]): r["person_key"] for r in read_csv(out / "truth.csv")}
    rows = read_csv(out / "school" / "enrolments.csv")
    ages = [(AS_OF - date.fromisoformat(r["date_of_birth"])).days / 365.25 for r in rows if r["date_of_birth"]]
    assert sum(3.5 < a < 20.5 for a in ages) / len(ages) > 0.97
    assert len({truth[("school", r["record_id"])] for r in rows}) > 300


def test_every_service_knows_a_plausible_share_of_the_borough(larger_borough: tuple[Path, Summary]) -> None:
    out, _ = larger_borough
    people: dict[str, set[str]] = defaultdict(set)
    for row in read_csv(out / "truth.csv"):
        people[row["service"]].add(row["person_key"])
    share = {service: len(keys) / 3000 for service, keys in people.items()}
    assert 0.03 < share["cms"] < 0.2
    assert 0.1 < share["school"] < 0.3
    assert 0.05 < share["housing"] < 0.25
    assert 0.005 < share["adult_social_care"] < 0.06
    assert 0.005 < share["police"] < 0.06
