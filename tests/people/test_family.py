from __future__ import annotations

import pytest

from familycontext.people.family import linked_in_cms
from familycontext.sources.models import CmsRelationship, SourceRecord
from tests.web.family import build_family

pytestmark = pytest.mark.django_db


def test_a_relationship_recorded_on_both_records_lists_the_person_once_with_this_persons_own_wording():
    family = build_family()
    mother_record = SourceRecord.objects.get(record_id="CMS101")
    CmsRelationship.objects.create(snapshot=mother_record.snapshot, record=mother_record,
                                   related_record_id="CMS100", relationship="Daughter")

    from_child = linked_in_cms(family.child)
    from_mother = linked_in_cms(family.mother)

    assert [(x.relationship, x.person.id) for x in from_child] == [("Mother", family.mother.id)]
    assert [(x.relationship, x.person.id) for x in from_mother] == [("Daughter", family.child.id)]


def test_a_relationship_recorded_only_on_the_other_record_is_shown_reciprocally():
    family = build_family()
    [only] = linked_in_cms(family.mother)
    # Recorded on Ava's record ("Jane is Ava's mother"): on Jane's page Ava is her daughter.
    assert only.person.id == family.child.id
    assert only.relationship == "Daughter (this person is her mother)"
    assert (only.words.label, only.words.recorded) == ("Daughter", "Mother")
