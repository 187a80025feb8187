"""The person page and service details (SPEC 5.4, 4), and the reason for access (SPEC 8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from familycontext.accounts.roles import CAN_VIEW_PEOPLE, DATA_MANAGER, has_role, role_required
from familycontext.disclosure import WITHHELD, Disclosure, PersonDisclosure, Withheld
from familycontext.governance import restrictions
from familycontext.governance.audit import record
from familycontext.governance.models import AuditAction
from familycontext.governance.reason import (
    REASON_TYPES,
    asked_before_search,
    current_reason,
    last_child,
    remember_child,
    set_reason,
)
from familycontext.involvement.ages import age_on
from familycontext.people.models import Person
from familycontext.people.relationships import label_of
from familycontext.sources.services import ADULT_SOCIAL_CARE, HOUSING, POLICE, SCHOOL
from familycontext.web import cards as service_cards
from familycontext.web import printout
from familycontext.web.forms import ReasonForm
from familycontext.web.summary import service_summary
from familycontext.web.views.auth import safe_next
from familycontext.web.views.common import render_page

DETAIL_ACTIONS = {
    SCHOOL: AuditAction.VIEWED_SCHOOL,
    HOUSING: AuditAction.VIEWED_HOUSING,
    ADULT_SOCIAL_CARE: AuditAction.VIEWED_ADULT_SOCIAL_CARE,
    POLICE: AuditAction.VIEWED_POLICE,
}


def subject_or_404(person_id: str) -> Person:
    """The person with the data manager's restriction read in the same statement (docs/adr/0002)."""
    subject = restrictions.get_with_restriction(Person, person_id)
    if subject is None:
        raise Http404("No such person")
    return subject


def age_years(date_of_birth: date | None, today: date) -> str:
    """Whole years as a bare number ("27"), or "Not known": for "not shown for age 27"."""
    if date_of_birth is None or date_of_birth > today:
        return "Not known"
    return str(age_on(date_of_birth, today))


def age_text(date_of_birth: date | None, today: date) -> str:
    """The age with its unit, as pages show it: "9 years", "1 year", "7 months" under one year."""
    years = age_years(date_of_birth, today)
    if years == "Not known":
        return years
    if years != "0":
        return f"{years} {'year' if years == '1' else 'years'}"
    months = (today.year - date_of_birth.year) * 12 + today.month - date_of_birth.month - (today.day < date_of_birth.day)
    return "under 1 month" if months < 1 else f"{months} {'month' if months == 1 else 'months'}"


def reason_required(view: Callable) -> Callable:
    """Send the user to state a reason for access before any person view in this session."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if current_reason(request) is None:
            return redirect(f"{reverse('web:reason')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped


def reason_before_search(view: Callable) -> Callable:
    """Results show dates of birth and addresses, so by default (``reason.asked_before =
    "search"``) the reason is asked before the first search of a session too."""
    guarded = reason_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return (guarded if asked_before_search() else view)(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
@role_required(*CAN_VIEW_PEOPLE)
def reason(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ReasonForm.from_post(request.POST)
        if not form.errors:
            set_reason(request, form.to_reason())
            return redirect(safe_next(request, reverse("web:find-person")))
    else:
        form = ReasonForm.from_reason(current_reason(request), last_child(request))
    return render_page(request, "web/reason.html", {
        "form": form, "errors": form.errors, "next": safe_next(request, ""),
        "reason_types": REASON_TYPES,
    })


def _restriction_context(request: HttpRequest, disclosed: PersonDisclosure) -> dict:
    notice = ("You are seeing a restricted record through break-glass access. Your reason was recorded "
              "and auditors have been told.") if disclosed.break_glass else ""
    return {"break_glass_notice": notice, "can_restrict": has_role(request.user, DATA_MANAGER)}


def family_line(rows: list[dict]) -> list[dict]:
    """The summary's family: each person linked in the CMS by the reader's word ("Son"), with age."""
    return [{"label": label_of(r["item"].relationship), "name": r["item"].person.full_name, "age": r["age"],
             "id": r["item"].person.id} for r in rows if r["item"].person is not None]


def related_rows(related, today: date) -> list[dict]:
    """The related-individuals table's rows, from the disclosure's related people."""
    return [{"item": r, "person": r.summary, "age": age_text(r.person.date_of_birth if r.person else None, today)}
            for r in related]


@role_required(*CAN_VIEW_PEOPLE)
@reason_required
def person(request: HttpRequest, person_id: str) -> HttpResponse:
    subject = subject_or_404(person_id)
    disclosure = Disclosure.for_session(request)
    today = disclosure.today
    disclosed = disclosure.person(subject)
    record(request, AuditAction.VIEWED_PERSON, person=subject)
    if subject.cms_id and (disclosed.summary.age is None or disclosed.summary.age < 18):
        remember_child(request, subject.cms_id)  # the reason form offers it next time
    if disclosed.restricted:
        return render_page(request, "web/restricted_person.html", {
            "person": subject, "age": age_text(subject.date_of_birth, today), "withheld": WITHHELD,
            "can_restrict": has_role(request.user, DATA_MANAGER)})
    subject.restricted = False  # opened by break-glass: the templates show what it grants
    linked = related_rows(disclosed.linked, today)
    return render_page(request, "web/person.html", {
        "person": subject,
        "age": age_text(subject.date_of_birth, today),
        "summary": service_summary(disclosed.cards, age_years(subject.date_of_birth, today)),
        "family": family_line(linked),
        "other_names": disclosed.other_names,
        "addresses": disclosed.addresses,
        "cards": disclosed.cards,
        "slugs": service_cards.SERVICE_SLUGS,
        "linked": linked,
        "nearby": related_rows(disclosed.same_address, today),
        **_restriction_context(request, disclosed),
    })


@role_required(*CAN_VIEW_PEOPLE)
@reason_required
def service_details(request: HttpRequest, person_id: str, service: str) -> HttpResponse:
    """The opened card: an HTML fragment for the page's script, or a full page without script."""
    key = service_cards.SLUG_SERVICES.get(service)
    if key is None:
        raise Http404("No such service")
    subject = subject_or_404(person_id)
    try:
        card = Disclosure.for_session(request).card(subject, key)
    except Withheld:
        # Details of a restricted person (adoption, refuge) need break-glass access (SPEC 8).
        raise PermissionDenied("Restricted record: break-glass access needed") from None
    subject.restricted = False
    if not card.shown_for_age:
        raise Http404("Not shown for this person's age")
    record(request, DETAIL_ACTIONS[key], person=subject)
    printout.remember_opened(request, subject.id, key)  # its contact may go on the printout
    fragment = request.headers.get("X-Requested-With") == "fetch"
    template = "web/service_details_fragment.html" if fragment else "web/service_details.html"
    response = render_page(request, template, {"person": subject, "card": card})
    response["Vary"] = "X-Requested-With"
    return response
