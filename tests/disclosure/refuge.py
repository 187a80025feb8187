"""A tiny edge case on top of ``tests.web.family``: a restricted child in a refuge with her family.

Lily Hidden (CMS200, restricted in the CMS) lives at 44 Heather Road, HX4 4HR with her mother
Mary Hidden (CMS201) and her brother Leo Hidden (CMS202). Housing writes Mary's address
"44 Heather Rd." (the same home written differently). Mary also has an older address, 9 Old Lane,
which is not a restricted home. Kim Lodger (no CMS record) is at 44 Heather Road in housing only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from familycontext.people.index import rebuild_search_index
from familycontext.people.models import Person
from familycontext.sources import models as s
from tests.web.family import years_ago

REFUGE = "44 Heather Road"
REFUGE_POSTCODE = "HX4 4HR"


@dataclass
class Refuge:
    child: Person
    mother: Person
    brother: Person
    lodger: Person


def build_refuge(today: date | None = None) -> Refuge:
    today = today or timezone.localdate()
    cms = s.Snapshot.objects.get(live=True, source__service="cms")
    housing = s.Snapshot.objects.get(live=True, source__service="housing")
    school = s.Snapshot.objects.get(live=True, source__service="school")
    address = f"{REFUGE}, Exampleton"
    child = Person.objects.create(id="P00000020", first_name="Lily", last_name="Hidden",
                                  date_of_birth=years_ago(today, 8), gender="Female", cms_id="CMS200",
                                  address=address, postcode=REFUGE_POSTCODE, restricted=True)
    mother = Person.objects.create(id="P00000021", first_name="Mary", last_name="Hidden",
                                   date_of_birth=years_ago(today, 33), gender="Female", cms_id="CMS201",
                                   address=address, postcode=REFUGE_POSTCODE)
    brother = Person.objects.create(id="P00000022", first_name="Leo", last_name="Hidden",
                                    date_of_birth=years_ago(today, 12), gender="Male", cms_id="CMS202",
                                    address=address, postcode=REFUGE_POSTCODE)
    lodger = Person.objects.create(id="P00000023", first_name="Kim", last_name="Lodger",
                                   date_of_birth=years_ago(today, 44), gender="Female",
                                   address=address, postcode=REFUGE_POSTCODE)

    def record(snapshot, record_id, person, **extra):
        fields = dict(first_name=person.first_name, last_name=person.last_name,
                      date_of_birth=person.date_of_birth, address=address, postcode=REFUGE_POSTCODE,
                      person_id=person.id, restricted=person.restricted)
        fields.update(extra)
        return s.SourceRecord.objects.create(snapshot=snapshot, record_id=record_id, **fields)

    c_child = record(cms, "CMS200", child)
    record(cms, "CMS201", mother)
    record(cms, "CMS202", brother)
    s.CmsRelationship.objects.create(snapshot=cms, record=c_child, related_record_id="CMS201",
                                     relationship="Mother")
    s.CmsRelationship.objects.create(snapshot=cms, record=c_child, related_record_id="CMS202",
                                     relationship="Sibling")
    r = record(school, "SCH20", child)
    s.SchoolEnrolment.objects.create(snapshot=school, record=r, school_name="Refuge Primary",
                                     admission_type="Main provision", enrolment_start=years_ago(today, 1))
    r = record(housing, "H20", mother, address="44 Heather Rd.", postcode="hx44hr")
    s.HousingTenancy.objects.create(snapshot=housing, record=r, housing_association="Safe Homes",
                                    tenancy_start=years_ago(today, 1))
    record(housing, "H21", mother, address="9 Old Lane, Exampleton", postcode="EX5 5OL")
    record(housing, "H22", lodger)
    rebuild_search_index()
    return Refuge(child, mother, brother, lodger)
