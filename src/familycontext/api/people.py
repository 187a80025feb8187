"""Person lookups shared by /api/v1 and the reference contract, with the web pages' access rules."""

from __future__ import annotations

from django.utils import timezone

from familycontext.api import readers
from familycontext.api.problems import ApiProblem
from familycontext.governance import break_glass, restrictions
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


def open_service_card(request, subject: Person, service: str) -> Card:
    """The opened card, under the web page's rules: restricted needs break-glass; out-of-band is absent."""
    broken = hasattr(request, "session") and "Authorization" not in request.headers \
        and break_glass.granted(request, subject.id)
    if subject.restricted and not broken:
        raise ApiProblem(403, "break-glass-required", BREAK_GLASS_DETAIL)
    card = readers.card(subject, service, timezone.localdate())
    if not card.shown_for_age:
        raise ApiProblem(404, "not-shown-for-age", card.age_note or "Not shown for this person's age.")
    return card
