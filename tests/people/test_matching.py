"""find_people and resolve_identifier (SPEC 7): one test per kind of noise a social worker types.

Every search runs against a 400-person synthetic borough plus a few hand-made people and their
near-namesakes, so "first" means first among plausible rivals, not first of one.
"""

from __future__ import annotations

from datetime import date

import pytest

from familycontext.people.matching import Match, find_people, resolve_identifier

WILLIAM_DOB = date(2012, 3, 4)


def nhs_with_check(nine: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = (11 - total % 11) % 11
    assert check != 10, "pick other digits"
    return f"{nine}{check}"


WILLIAM_NHS = nhs_with_check("999400124")


@pytest.fixture
def people(borough):
    borough("T-WILLIAM",
            {"service": "cms", "record_id": "CMS9000001", "first_name": "William", "last_name": "Hartley-Price",
             "date_of_birth": WILLIAM_DOB, "nhs_number": WILLIAM_NHS},
            {"service": "school", "first_name": "Billy", "last_name": "Hartley", "date_of_birth": WILLIAM_DOB})
    # Near-namesakes who must not outrank him.
    borough("T-WILLIAM-SENIOR", {"first_name": "William", "last_name": "Hartley", "date_of_birth": date(1979, 7, 15)})
    borough("T-WILLIAM-PRICE", {"first_name": "William", "last_name": "Price", "date_of_birth": date(1990, 9, 21)})
    borough("T-SAME-BIRTHDAY", {"first_name": "Keira", "last_name": "Okafor", "date_of_birth": WILLIAM_DOB})
    borough("T-ZOE", {"service": "housing", "first_name": "Zoë", "last_name": "Núñez", "date_of_birth": date(2015, 11, 20)})
    borough("T-ZOE-OLDER", {"first_name": "Zoe", "last_name": "Nunes", "date_of_birth": date(1988, 2, 2)})
    borough("T-MARGARET", {"service": "adult_social_care", "first_name": "Margaret", "last_name": "Doyle",
                           "other_names": "Margaret Feeney", "date_of_birth": date(1950, 5, 6)})
    borough("T-JORDAN-OLD", {"first_name": "Jordan", "last_name": "Quill", "date_of_birth": date(1991, 1, 1)})
    borough("T-JORDAN-YOUNG", {"first_name": "Jordan", "last_name": "Quill", "date_of_birth": date(2011, 1, 1)})
    borough("T-JORDAN-UNKNOWN", {"first_name": "Jordan", "last_name": "Quill"})
    borough.publish()


def top(results: list[Match]) -> str | None:
    return results[0].person_id if results else None


def test_exact_name_and_date_of_birth_is_a_strong_match(people):
    results = find_people("William", "Hartley-Price", WILLIAM_DOB)
    assert top(results) == "T-WILLIAM"
    assert results[0].strength == "Strong match"
    assert results[0].score == 1.0


def test_typo_in_first_name(people):
    assert top(find_people("Wiliam", "Hartley-Price", WILLIAM_DOB)) == "T-WILLIAM"


def test_typo_in_family_name_found_without_date_of_birth(people):
    assert "T-WILLIAM" in [m.person_id for m in find_people("William", "Hartley-Prise", None)]


def test_nickname_bill_finds_william(people):
    results = find_people("Bill", "Hartley-Price", WILLIAM_DOB)
    assert top(results) == "T-WILLIAM"
    assert results[0].strength == "Strong match"


def test_nickname_peggy_finds_margaret(people):
    assert top(find_people("Peggy", "Doyle", date(1950, 5, 6))) == "T-MARGARET"


def test_surname_first(people):
    results = find_people("Hartley-Price", "William", WILLIAM_DOB)
    assert top(results) == "T-WILLIAM"
    assert results[0].strength == "Strong match"


def test_whole_name_in_one_box(people):
    assert top(find_people("William Hartley-Price", "", WILLIAM_DOB)) == "T-WILLIAM"
    assert top(find_people("", "William Hartley Price", WILLIAM_DOB)) == "T-WILLIAM"


def test_wildcards_are_ignored(people):
    assert top(find_people("Will*", "Hartley-Price%", WILLIAM_DOB)) == "T-WILLIAM"
    assert top(find_people("*William*", "%Hartley%Price%", WILLIAM_DOB)) == "T-WILLIAM"


def test_half_of_a_hyphenated_surname(people):
    assert top(find_people("William", "Price", WILLIAM_DOB)) == "T-WILLIAM"
    # The other William Price, with his own date of birth, is still found first by it.
    assert top(find_people("William", "Price", date(1990, 9, 21))) == "T-WILLIAM-PRICE"


def test_hyphen_missing_or_joined(people):
    assert top(find_people("William", "Hartley Price", WILLIAM_DOB)) == "T-WILLIAM"
    assert top(find_people("William", "HartleyPrice", WILLIAM_DOB)) == "T-WILLIAM"


def test_diacritics_dropped_or_added(people):
    assert top(find_people("Zoe", "Nunez", date(2015, 11, 20))) == "T-ZOE"
    assert top(find_people("ZOË", "NÚÑEZ", date(2015, 11, 20))) == "T-ZOE"


def test_any_name_from_any_source_is_searched(people):
    assert top(find_people("Margaret", "Feeney", date(1950, 5, 6))) == "T-MARGARET"
    assert top(find_people("Billy", "Hartley", WILLIAM_DOB)) == "T-WILLIAM"


def test_date_of_birth_with_day_and_month_swapped(people):
    results = find_people("William", "Hartley-Price", date(2012, 4, 3))
    assert top(results) == "T-WILLIAM"
    assert results[0].date_of_birth_agreement == "day and month swapped"


def test_date_of_birth_one_digit_wrong(people):
    results = find_people("William", "Hartley-Price", date(2012, 3, 7))
    assert top(results) == "T-WILLIAM"
    assert results[0].date_of_birth_agreement == "one digit different"


def test_typo_in_name_and_date_together(people):
    assert top(find_people("Wiliam", "Hartly-Price", date(2012, 8, 4))) == "T-WILLIAM"


def test_lone_first_name_with_date_of_birth(people):
    results = find_people("Zoe", "", date(2015, 11, 20))
    assert top(results) == "T-ZOE"
    assert results[0].strength != "Strong match"  # one name is never enough to be sure


def test_lone_family_name_with_date_of_birth(people):
    assert top(find_people("", "Hartley-Price", WILLIAM_DOB)) == "T-WILLIAM"


def test_lone_name_without_date_of_birth_finds_nobody(people):
    assert find_people("William", "", None) == []


def test_date_of_birth_alone_never_lists_the_cohort(people):
    assert find_people("", "", WILLIAM_DOB) == []
    assert find_people("*", "%", WILLIAM_DOB) == []


def test_date_of_birth_with_an_unrelated_name_lists_nobody_born_that_day(people):
    ids = [m.person_id for m in find_people("Xavier", "Blenkinsop", WILLIAM_DOB)]
    assert "T-WILLIAM" not in ids and "T-SAME-BIRTHDAY" not in ids


def test_ties_youngest_first_and_unknown_dates_last(people):
    results = [m for m in find_people("Jordan", "Quill", None) if m.person_id.startswith("T-JORDAN")]
    assert [m.person_id for m in results] == ["T-JORDAN-YOUNG", "T-JORDAN-OLD", "T-JORDAN-UNKNOWN"]
    assert len({m.score for m in results}) == 1


def test_better_match_outranks_youth(people):
    results = find_people("William", "Hartley", date(1979, 7, 15))
    assert top(results) == "T-WILLIAM-SENIOR"


def test_scores_are_between_zero_and_one_and_ordered(people):
    results = find_people("William", "Hartley", WILLIAM_DOB)
    scores = [m.score for m in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    assert {m.strength for m in results} <= {"Strong match", "Possible match", "Weak match"}


def test_limit(people):
    assert len(find_people("William", "Hartley", None, limit=1)) == 1


def test_cms_case_id_goes_straight_to_the_person(people):
    assert resolve_identifier("CMS9000001") == "T-WILLIAM"
    assert resolve_identifier("  cms9000001 ") == "T-WILLIAM"
    assert resolve_identifier("CMS9999999") is None


def test_nhs_number_with_spaces_goes_straight_to_the_person(people):
    spaced = f"{WILLIAM_NHS[:3]} {WILLIAM_NHS[3:6]} {WILLIAM_NHS[6:]}"
    assert resolve_identifier(spaced) == "T-WILLIAM"
    assert resolve_identifier(WILLIAM_NHS) == "T-WILLIAM"


def test_nhs_number_failing_its_check_digit_finds_nobody(people):
    wrong = WILLIAM_NHS[:9] + str((int(WILLIAM_NHS[9]) + 1) % 10)
    assert resolve_identifier(wrong) is None
    assert resolve_identifier("") is None


def test_synthetic_people_are_found_by_the_names_their_records_hold(people, synthetic_rows):
    """Every synthetic record's own name and date of birth finds its person in the top ten."""
    rows = [r for r in synthetic_rows if r["date_of_birth"] and r["first_name"] and r["last_name"]][:150]
    missed = [r for r in rows
              if r["person_id"] not in [m.person_id for m in find_people(
                  r["first_name"], r["last_name"], date.fromisoformat(r["date_of_birth"]))[:10]]]
    assert missed == []


@pytest.mark.parametrize("year", [1, 999, 1000, 9999])
def test_date_arithmetic_works_for_every_representable_year(year):
    from familycontext.people.matching import dob_agreement, one_digit_away

    dob = date(year, 3, 4)
    assert all(len(str(d.year)) <= 4 for d in one_digit_away(dob))
    assert dob_agreement(dob, [dob]) == "exact"
    assert dob_agreement(dob, [date(year, 4, 3)]) == "day and month swapped"
