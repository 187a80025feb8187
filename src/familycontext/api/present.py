"""Domain objects (Person, Card, ...) to the /api/v1 shapes. No rules decided here: only copying."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.urls import reverse

from familycontext.api import schemas
from familycontext.api.readers import SERVICE_SLUGS
from familycontext.disclosure import WITHHELD, PersonDisclosure, PersonSummary
from familycontext.involvement.ages import age_on
from familycontext.involvement.cards import Card
from familycontext.people.models import Person
from familycontext.sources.services import ADULT_SOCIAL_CARE, HOUSING, POLICE, SCHOOL


def age(date_of_birth: date | None, today: date) -> int | None:
    if date_of_birth is None or date_of_birth > today:
        return None
    return age_on(date_of_birth, today)


def person_links(person_id: str) -> schemas.PersonLinks:
    return schemas.PersonLinks(
        person=reverse("api-v1:person", kwargs={"person_id": person_id}),
        services=reverse("api-v1:services", kwargs={"person_id": person_id}),
        related=reverse("api-v1:related", kwargs={"person_id": person_id}),
    )


def summary(person: PersonSummary) -> schemas.PersonSummary:
    """A person in a list, as the disclosure allows (``disclosure.PersonSummary``)."""
    return schemas.PersonSummary(
        id=person.id, cms_id=person.cms_id or None, first_name=person.first_name,
        last_name=person.last_name, date_of_birth=person.date_of_birth, age=person.age,
        address_first_line=person.address_first_line,
        address_withheld=WITHHELD if person.address_withheld else None,
        restricted=person.restricted,
        match_strength=getattr(person.person, "match_strength", None),
        match_score=getattr(person.person, "match_score", None),
        links=person_links(person.id),
    )


def person_details(disclosed: PersonDisclosure) -> schemas.PersonDetails:
    subject = disclosed.person
    return schemas.PersonDetails(
        id=subject.id, cms_id=subject.cms_id or None, first_name=subject.first_name,
        last_name=subject.last_name, other_names=list(disclosed.other_names),
        date_of_birth=subject.date_of_birth, age=disclosed.summary.age,
        gender=subject.gender, restricted=disclosed.restricted,
        addresses=[schemas.SourcedAddress(address=a.address or None, postcode=a.postcode or None,
                                          sources=list(a.sources))
                   for a in disclosed.shown_addresses if a.address or a.postcode],
        addresses_withheld=WITHHELD if disclosed.any_address_withheld else None,
        links=person_links(subject.id),
    )


def related(disclosed: PersonDisclosure) -> schemas.RelatedIndividuals:
    return schemas.RelatedIndividuals(
        linked_in_cms=[schemas.RelatedPerson(relationship=r.relationship, cms_id=r.cms_id,
                                             person=summary(r.summary) if r.summary else None)
                       for r in disclosed.linked],
        same_address=[summary(r.summary) for r in disclosed.same_address if r.summary],
    )


def freshness(card_freshness) -> schemas.Freshness | None:
    if card_freshness is None:
        return None
    return schemas.Freshness(
        date_current_as_of=card_freshness.as_of, coverage_start=card_freshness.coverage_start,
        coverage_end=card_freshness.coverage_end, coverage_area=card_freshness.coverage_area,
        coverage_explanation=card_freshness.coverage_explanation, stale=card_freshness.stale,
        stale_note=card_freshness.stale_note, days_old=card_freshness.days_old,
    )


def _summary_fields(person: Person, card: Card) -> dict:
    openable = card.openable
    return dict(
        service=SERVICE_SLUGS[card.service], title=card.title, source_name=card.source_name,
        loaded=card.loaded, shown_for_age=card.shown_for_age, age_note=card.age_note,
        age_unknown=card.age_unknown, records_found=card.records_found, known=card.known,
        flag_text=card.flag_text,
        freshness=freshness(card.freshness),
        details_url=reverse("api-v1:service-details",
                            kwargs={"person_id": person.id, "service": SERVICE_SLUGS[card.service]})
        if openable else None,
    )


def service_summary(person: Person, card: Card) -> schemas.ServiceSummary:
    return schemas.ServiceSummary(**_summary_fields(person, card))


_DETAIL_FIELDS = {
    SCHOOL: ("school", schemas.SchoolDetails),
    HOUSING: ("housing", schemas.HousingDetails),
    ADULT_SOCIAL_CARE: ("adult_social_care", schemas.AdultSocialCareDetails),
    POLICE: ("police", schemas.PoliceDetails),
}


def service_details(person: Person, card: Card) -> schemas.ServiceDetails:
    fields = _summary_fields(person, card)
    if card.contact is not None:
        fields["contact"] = schemas.Contact.model_validate(asdict(card.contact))
    if card.details is not None:
        name, model = _DETAIL_FIELDS[card.service]
        data = asdict(card.details)
        fields[name] = model.model_validate({k: v for k, v in data.items() if k in model.model_fields})
    return schemas.ServiceDetails(**fields)
