"""The ecomap (fetched when opened on the person page, or its own page without JavaScript) and the
print version of the person page (issue 10)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from familycontext.accounts.roles import CAN_VIEW_PEOPLE, role_required
from familycontext.governance import break_glass, restrictions
from familycontext.governance.audit import record_many
from familycontext.governance.models import AuditAction
from familycontext.people.models import Person
from familycontext.people.records import addresses, live_records, other_names
from familycontext.web import cards as service_cards
from familycontext.web import ecomap as family_map
from familycontext.web import printout
from familycontext.web.views.common import render_page
from familycontext.web.views.people import age_text, reason_required, subject_or_404


def _gated(request: HttpRequest, subject: Person) -> bool:
    """A restricted person's ecomap and printout need break-glass, like their page: without it
    the user goes to the person page, which explains and offers break-glass."""
    return restrictions.is_restricted(subject) and not break_glass.granted(request, subject.id)


def _family(request: HttpRequest, subject: Person) -> family_map.FamilyFlags:
    """The ecomap for this user: restricted people's services only after break-glass."""
    family = family_map.family_flags(
        subject, timezone.localdate(),
        break_glass=lambda person_id: break_glass.granted(request, person_id),
    )
    # Showing the ecomap shows each person's basic details and flags: one entry per person.
    people = Person.objects.in_bulk(family_map.shown_people(family.ecomap))
    # One entry per person, appended in one transaction and one INSERT (issue 9).
    record_many(request, AuditAction.VIEWED_PERSON,
                [people[node.person_id] for node in family.ecomap.people if node.person_id in people])
    return family


@role_required(*CAN_VIEW_PEOPLE)
@reason_required
def ecomap(request: HttpRequest, person_id: str) -> HttpResponse:
    """The ecomap: an HTML fragment for the person page's script, or a full page without script."""
    subject = subject_or_404(person_id)
    if _gated(request, subject):
        return redirect("web:person", person_id=subject.id)
    family = _family(request, subject)
    fragment = request.headers.get("X-Requested-With") == "fetch"
    template = "web/ecomap_fragment.html" if fragment else "web/ecomap.html"
    response = render_page(request, template, {
        "person": subject, "ecomap": family.ecomap, "svg": family_map.draw(family.ecomap)})
    response["Vary"] = "X-Requested-With"
    return response


@role_required(*CAN_VIEW_PEOPLE)
@reason_required
def print_person(request: HttpRequest, person_id: str) -> HttpResponse:
    """The person page laid out for printing or saving as PDF; opening it is audited as printing."""
    subject = subject_or_404(person_id)
    if _gated(request, subject):
        return redirect("web:person", person_id=subject.id)
    today = timezone.localdate()
    family = _family(request, subject)
    own_cards = family.cards.get(subject.id) or service_cards.cards(subject, today)
    on_printout = {p.person_id for p in family.ecomap.people if p.person_id}
    people = Person.objects.in_bulk(on_printout)
    opened = []
    for person_id_opened, service in printout.opened_cards(request):
        if person_id_opened in people and service in service_cards.SERVICE_SLUGS:
            card = service_cards.card(people[person_id_opened], service, today)
            if card.details is not None:
                opened.append(printout.OpenedContact(people[person_id_opened], card))
    record_many(request, AuditAction.PRINTED,
                [people[node.person_id] for node in family.ecomap.people if node.person_id in people])
    records = list(live_records(subject.id))
    others = [c for pid, cards in family.cards.items() if pid != subject.id for c in cards]
    hide_address = subject.restricted and not break_glass.granted(request, subject.id)
    return render_page(request, "web/print.html", {
        "person": subject,
        "age": age_text(subject.date_of_birth, today),
        "other_names": other_names(subject, records),
        "addresses": [] if hide_address else addresses(subject, records),
        "hide_address": hide_address,
        "cards": own_cards,
        "ecomap": family.ecomap,
        "svg": family_map.draw(family.ecomap),
        "opened": opened,
        "sources": printout.source_dates(own_cards + others),
    })
