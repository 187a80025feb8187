"""Relationship words from the page's person: every CMS word of SPEC 3, both directions, genders."""

from __future__ import annotations

import pytest

from familycontext.people.relationships import relationship_words


def on_page_person(recorded: str, gender: str = "Unknown") -> str:
    """The row was recorded on the page's person's record: the other person is their <recorded>."""
    return relationship_words(recorded, recorded_on_page_person=True, other_gender=gender).text


def on_other(recorded: str, gender: str = "Unknown") -> str:
    """The row was recorded on the other person's record: the page's person is their <recorded>."""
    return relationship_words(recorded, recorded_on_page_person=False, other_gender=gender).text


@pytest.mark.parametrize("recorded", ["Mother", "Father", "Step-father", "Half-sister", "Grandmother",
                                      "Carer", "Household member"])
def test_a_relationship_recorded_on_the_page_persons_record_reads_as_recorded(recorded):
    assert on_page_person(recorded, "Female") == recorded


@pytest.mark.parametrize(("recorded", "gender", "expected"), [
    ("Mother", "Female", "Daughter (this person is her mother)"),
    ("Mother", "Male", "Son (this person is his mother)"),
    ("Mother", "Unknown", "Child (this person is their mother)"),
    ("Father", "Female", "Daughter (this person is her father)"),
    ("Father", "Other", "Child (this person is their father)"),
    ("Step-father", "Male", "Step-son (this person is his step-father)"),
    ("Step-father", "Unknown", "Step-child (this person is their step-father)"),
    ("Grandmother", "Female", "Granddaughter (this person is her grandmother)"),
    ("Grandmother", "Male", "Grandson (this person is his grandmother)"),
    ("Half-sister", "Male", "Half-brother (this person is his half-sister)"),
    ("Half-sister", "Female", "Half-sister"),  # the same word both ways: said once
    ("Sibling", "Female", "Sister (this person is her sibling)"),
    ("Sibling", "Unknown", "Sibling"),
    ("Carer", "Female", "Cared for (this person is her carer)"),
])
def test_a_relationship_recorded_on_the_other_record_is_reversed_to_the_page_persons_side(recorded, gender, expected):
    assert on_other(recorded, gender) == expected


def test_the_mothers_page_calls_her_children_her_children_and_keeps_the_cms_word():
    words = relationship_words("Mother", recorded_on_page_person=False, other_gender="Female")
    assert (words.label, words.recorded, str(words)) == ("Daughter", "Mother", "Daughter (this person is her mother)")


def test_a_household_member_reads_the_same_from_both_sides():
    assert on_other("Household member", "Male") == on_page_person("Household member", "Male") == "Household member"


def test_a_neutral_cms_word_takes_the_other_persons_gender_and_says_what_was_recorded():
    assert on_page_person("Sibling", "Female") == "Sister (recorded as sibling)"
    assert on_page_person("Sibling", "Male") == "Brother (recorded as sibling)"
    assert on_page_person("Sibling", "Unknown") == "Sibling"
    assert on_page_person("Parent", "Male") == "Father (recorded as parent)"


def test_a_gendered_cms_word_is_never_overruled_by_the_records_gender():
    # A CMS that says "Mother" of someone recorded elsewhere as male keeps its word: not re-judged.
    assert on_page_person("Mother", "Male") == "Mother"


def test_a_child_recorded_on_the_parents_record_reads_as_parent_on_the_childs_page():
    assert on_other("Daughter", "Female") == "Mother (this person is her daughter)"
    assert on_other("Son", "Male") == "Father (this person is his son)"


def test_other_spellings_and_case_are_understood():
    assert on_other("step father", "Female") == "Step-daughter (this person is her step father)"
    assert on_other("MOTHER", "Male").startswith("Son (")
    assert on_other("  Mother ", "F") == "Daughter (this person is her mother)"


def test_an_unknown_word_is_kept_and_never_guessed():
    assert on_page_person("Social worker's contact") == "Social worker's contact"
    assert on_other("Godparent", "Female") == "Related (this person is her godparent)"
    assert on_other("", "Female") == "Related (no relationship recorded)"


def test_the_short_label_is_the_readers_word_alone():
    from familycontext.people.relationships import label_of

    assert label_of(on_other("Mother", "Male")) == "Son"
    assert label_of(on_page_person("Sibling", "Female")) == "Sister"
    assert label_of("Household member") == "Household member"
