"""A tiny hand-built family for page tests (edge cases only; the synthetic generator will
replace it for anything broader).

Ava Smith (child, CMS100) lives with her mother Jane Smith at 12 High Street. The CMS links Ava
to Jane. Housing records a lodger, Tom Brown, at the same address, and a restricted person,
Rose Hidden, in a refuge tenancy at 1 Secret Lane (a restricted household: tests.disclosure.refuge). Ava is at school; Jane has a tenancy, adult social care
and police records. Sam Smith shares Ava's names but not her date of birth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from familycontext.accounts.roles import ensure_groups
from familycontext.people.index import rebuild_search_index
from familycontext.people.models import Person
from familycontext.sources import models as s

PASSWORD = "correct-horse-battery-staple"
ADDRESS = "12 High Street, Exampleton"
POSTCODE = "EX1 2AB"


@dataclass
class Family:
    child: Person
    mother: Person
    lodger: Person
    hidden: Person
    namesake: Person


def _source(service: str, name: str, today: date) -> s.Snapshot:
    source = s.Source.objects.create(key=service, service=service, name=name)
    return s.Snapshot.objects.create(
        source=source, live=True, content_hash=service * 2,
        date_current_as_of=timezone.make_aware(datetime.combine(today - timedelta(days=1), datetime.min.time())),
        coverage_start=date(today.year - 6, 1, 1), coverage_end=today,
        coverage_area="Exampleton", coverage_explanation=f"Everyone known to {name}",
    )


def _record(snapshot, record_id, person, **extra) -> s.SourceRecord:
    fields = dict(first_name=person.first_name, last_name=person.last_name,
                  date_of_birth=person.date_of_birth, address=ADDRESS, postcode=POSTCODE,
                  person_id=person.id, restricted=person.restricted)
    fields.update(extra)
    return s.SourceRecord.objects.create(snapshot=snapshot, record_id=record_id, **fields)


def years_ago(today: date, years: int, days: int = 10) -> date:
    return date(today.year - years, today.month, 1) - timedelta(days=days)


def build_family(today: date | None = None) -> Family:
    today = today or timezone.localdate()
    child = Person.objects.create(id="P00000001", first_name="Ava", last_name="Smith",
                                  date_of_birth=years_ago(today, 9), gender="Female",
                                  cms_id="CMS100", address=ADDRESS, postcode=POSTCODE)
    mother = Person.objects.create(id="P00000002", first_name="Jane", last_name="Smith",
                                   date_of_birth=years_ago(today, 35), gender="Female",
                                   cms_id="CMS101", address=ADDRESS, postcode=POSTCODE)
    lodger = Person.objects.create(id="P00000003", first_name="Tom", last_name="Brown",
                                   date_of_birth=years_ago(today, 50), gender="Male",
                                   address=ADDRESS, postcode=POSTCODE)
    hidden = Person.objects.create(id="P00000004", first_name="Rose", last_name="Hidden",
                                   date_of_birth=years_ago(today, 30), gender="Female",
                                   address="1 Secret Lane", postcode="EX9 9ZZ", restricted=True)
    namesake = Person.objects.create(id="P00000005", first_name="Ava", last_name="Smith",
                                     date_of_birth=years_ago(today, 40), gender="Female",
                                     address="3 Other Road, Exampleton", postcode="EX3 3CC")
    cms = _source("cms", "Children's Case Management", today)
    school = _source("school", "Exampleton Schools", today)
    housing = _source("housing", "Exampleton Homes", today)
    asc = _source("adult_social_care", "Adult Care Records", today)
    police = _source("police", "Exampleshire Police", today)

    c_child = _record(cms, "CMS100", child, other_names="Ava Jones")
    _record(cms, "CMS101", mother)
    s.CmsRelationship.objects.create(snapshot=cms, record=c_child, related_record_id="CMS101",
                                     relationship="Mother")
    _record(cms, "CMS105", namesake, address="3 Other Road, Exampleton", postcode="EX3 3CC")

    r = _record(school, "SCH1", child)
    s.SchoolEnrolment.objects.create(
        snapshot=school, record=r, school_name="Exampleton Primary", admission_type="Main provision",
        enrolment_start=years_ago(today, 3), contact_name="Pat Head", contact_role="Designated safeguarding lead",
        contact_phone="0161 496 0000", contact_email="dsl@primary.example.org")

    r = _record(housing, "H1", mother, address="12, High St.", postcode="ex12ab")
    s.HousingTenancy.objects.create(
        snapshot=housing, record=r, housing_association="Exampleton Homes",
        tenancy_start=years_ago(today, 4), contact_name="Sam Officer", contact_role="Housing officer",
        contact_phone="0161 496 0001", contact_email="housing@homes.example.org")
    _record(housing, "H2", lodger)
    r = _record(housing, "H3", hidden, address="1 Secret Lane", postcode="EX9 9ZZ")
    s.HousingTenancy.objects.create(snapshot=housing, record=r, housing_association="Refuge Homes",
                                    tenancy_start=years_ago(today, 1))

    r = _record(asc, "A1", mother)
    s.AscInvolvement.objects.create(
        snapshot=asc, record=r, local_authority_organisation="Exampleton Adult Social Care",
        involvement_start=years_ago(today, 1), most_recent_interaction=today - timedelta(days=20),
        plan_status="active", contact_name="Alex Worker", contact_role="Social worker",
        contact_phone="0161 496 0002", contact_email="asc@exampleton.example.org")

    r = _record(police, "POL1", mother)
    s.PoliceContact.objects.create(snapshot=police, record=r, police_area="Exampleshire",
                                   contact_name="PC Lee", contact_phone="0161 496 0003")
    s.PoliceOffence.objects.create(snapshot=police, record=r, offence_date=today - timedelta(days=100),
                                   offence_type="Violence with injury", nature_of_involvement="Suspect")
    s.PoliceOffence.objects.create(snapshot=police, record=r, offence_date=today - timedelta(days=200),
                                   offence_type="Shoplifting", nature_of_involvement="Convicted")
    rebuild_search_index()
    return Family(child, mother, lodger, hidden, namesake)


def make_user(username: str, *roles: str, first_name: str = "Pat", last_name: str = "Worker"):
    user = get_user_model().objects.create_user(username, password=PASSWORD,
                                                first_name=first_name, last_name=last_name)
    # Test set-up, not a role change made through the product: no audit entry (set_roles writes one).
    ensure_groups()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user
