"""The ecomap (fetched when opened on the person page, or its own page without JavaScript) and the
print version of the person page (issue 10)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from familycontext.accounts.roles import CAN_VIEW_PEOPLE, role_required
from familycontext.disclosure import WITHHELD, Disclosure, PersonDisclosure
from familycontext.governance.audit import record, record_many
from familycontext.governance.models import AuditAction
from familycontext.people.models import Person
from familycontext.web import ecomap as family_map
from familycontext.web import printout
from familycontext.web.cards import SERVICE_SLUGS
from familycontext.web.summary import service_summary
from familycontext.web.views.common import render_page
from familycontext.web.views.people import (
    DETAIL_ACTIONS,
    age_text,
    age_years,
    reason_required,
    subject_or_404,
)


def _disclosed(request: HttpRequest, person_id: str) -> tuple[Disclosure, PersonDisclosure]:
    subject = subject_or_404(person_id)
    disclosure = Disclosure.for_session(request)
    return disclosure, disclosure.person(subject)


def _people(family: family_map.FamilyFlags, disclosed: PersonDisclosure) -> list[Person]:
    """The people the ecomap shows, in its order (each one's exposure is audited)."""
    by_id = {disclosed.person.id: disclosed.person} | {r.person.id: r.person for r in disclosed.related if r.person}
    return [by_id[node.person_id] for node in family.ecomap.people if node.person_id in by_id]


@role_required(*CAN_VIEW_PEOPLE)
@reason_required
def ecomap(request: HttpRequest, person_id: str) -> HttpResponse:
    """The ecomap: an HTML fragment for the person page's script, or a full page without script.

    A restricted person's ecomap needs break-glass, like their page: without it the user goes to
    the person page, which explains and offers break-glass."""
    disclosure, disclosed = _disclosed(request, person_id)
    if disclosed.restricted:
        return redirect("web:person", person_id=disclosed.person.id)
    family = family_map.family_flags(disclosed, disclosure)
    # Showing the ecomap shows each person's name, relationship, age and flags: one entry per
    # person, its own action (their page was not opened), in one INSERT (docs/adr/0002).
    record_many(request, AuditAction.SHOWN_ON_ECOMAP, _people(family, disclosed))
    fragment = request.headers.get("X-Requested-With") == "fetch"
    template = "web/ecomap_fragment.html" if fragment else "web/ecomap.html"
    response = render_page(request, template, {
        "person": disclosed.person, "ecomap": family.ecomap, "svg": family_map.draw(family.ecomap)})
    response["Vary"] = "X-Requested-With"
    return response


@role_required(*CAN_VIEW_PEOPLE)
@reason_required
def print_person(request: HttpRequest, person_id: str) -> HttpResponse:
    """The person page laid out for printing or saving as PDF; opening it is audited as printing."""
    disclosure, disclosed = _disclosed(request, person_id)
    if disclosed.restricted:
        return redirect("web:person", person_id=disclosed.person.id)
    subject = disclosed.person
    family = family_map.family_flags(disclosed, disclosure)
    people = {p.id: p for p in _people(family, disclosed)}
    opened = []
    for person_id_opened, service in printout.opened_cards(request):
        # Only people on the printout whose flags may be shown (family.cards) have contacts on it.
        if person_id_opened in people and person_id_opened in family.cards and service in SERVICE_SLUGS:
            card = disclosure.card(people[person_id_opened], service)
            if card.openable:  # details, or the contact of a source that knows them
                opened.append(printout.OpenedContact(people[person_id_opened], card))
    record_many(request, AuditAction.PRINTED, list(people.values()))
    others = [c for pid, cards in family.cards.items() if pid != subject.id for c in cards]
    own_cards = list(disclosed.cards)
    contacts = printout.contacts_to_print(subject, own_cards, opened)
    for item in contacts:  # the person's own contacts are details the printout shows: audited as such
        if item.person.id == subject.id:
            record(request, DETAIL_ACTIONS[item.card.service], person=subject)
    return render_page(request, "web/print.html", {
        "person": subject,
        "age": age_text(subject.date_of_birth, disclosure.today),
        "summary": service_summary(own_cards, age_years(subject.date_of_birth, disclosure.today)),
        "other_names": disclosed.other_names,
        "addresses": disclosed.addresses,
        "hide_address": False,
        "withheld": WITHHELD,
        "cards": own_cards,
        "ecomap": family.ecomap,
        "svg": family_map.draw(family.ecomap),
        "opened": contacts,
        "sources": printout.source_dates(own_cards + others, disclosure.today),
    })
