"""Person lookups shared by /api/v1 and the reference contract; what they may show is ``disclosure``'s."""

from __future__ import annotations

from familycontext.api.problems import ApiProblem
from familycontext.disclosure import Disclosure, PersonDisclosure, Withheld
from familycontext.governance import restrictions
from familycontext.governance.models import AuditAction
from familycontext.involvement.cards import Card
from familycontext.people.models import Person
from familycontext.sources.services import ADULT_SOCIAL_CARE, HOUSING, POLICE, SCHOOL

DETAIL_ACTIONS = {
    SCHOOL: AuditAction.VIEWED_SCHOOL,
    HOUSING: AuditAction.VIEWED_HOUSING,
    ADULT_SOCIAL_CARE: AuditAction.VIEWED_ADULT_SOCIAL_CARE,
    POLICE: AuditAction.VIEWED_POLICE,
}
BREAK_GLASS_DETAIL = (
    "This person's record is restricted (for example adoption or a refuge). Their service details "
    "need break-glass access with a written justification, which alerts auditors. Break the glass in the "
    "Family Context web app; an API token cannot. A browser session that has broken the glass for this "
    "person may then read the details here."
)


def get_person(person_id: str) -> Person:
    subject = Person.objects.filter(pk=person_id[:20]).first() if person_id else None
    if subject is None:
        raise ApiProblem(404, "not-found", f"There is no person with id {person_id[:40]!r}.")
    restrictions.apply([subject])  # a data manager's restriction counts as the CMS's does
    return subject


def withheld_problem() -> ApiProblem:
    return ApiProblem(403, "break-glass-required", BREAK_GLASS_DETAIL)


def disclosed_person(request, subject: Person) -> PersonDisclosure:
    """What this caller may see of the person (``disclosure``)."""
    return Disclosure.for_api(request).person(subject)


def closed_cards(request, subject: Person) -> list[Card]:
    """The closed cards (flags); a restricted person's need break-glass, like their details."""
    try:
        return Disclosure.for_api(request).cards(subject)
    except Withheld:
        raise withheld_problem() from None


def open_service_card(request, subject: Person, service: str) -> Card:
    """The opened card, under the web page's rules: restricted needs break-glass; out-of-band is absent."""
    try:
        card = Disclosure.for_api(request).card(subject, service)
    except Withheld:
        raise withheld_problem() from None
    if not card.shown_for_age:
        raise ApiProblem(404, "not-shown-for-age", card.age_note or "Not shown for this person's age.")
    return card
