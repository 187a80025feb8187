"""Find a person and the results (SPEC 5.2, 5.3).

Search terms travel in the session, not the address bar, so names of children do not end up
in browser history or server logs.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from familycontext.accounts.roles import CAN_VIEW_PEOPLE, role_required
from familycontext.disclosure import Disclosure
from familycontext.governance.audit import record, record_many
from familycontext.governance.models import AuditAction
from familycontext.people.matching import STRENGTH_EXPLAINED, TIES_EXPLAINED, identifier_kind
from familycontext.people.search import find_by_identifier, search_people
from familycontext.web.forms import CmsSearch, NameSearch
from familycontext.web.pagination import pagination
from familycontext.web.views.common import render_page
from familycontext.web.views.people import age_text, reason_before_search

SEARCH_KEY = "last_search"
PAGE_SIZE = 20


@require_http_methods(["GET", "POST"])
@role_required(*CAN_VIEW_PEOPLE)
@reason_before_search
def find_person(request: HttpRequest) -> HttpResponse:
    name = cms = None
    if request.method == "POST":
        if request.POST.get("search-by") == "cms-id":
            cms = CmsSearch.from_post(request.POST)
            if not cms.errors:
                record(request, AuditAction.SEARCHED, search_terms={identifier_kind(cms.cms_id): cms.cms_id})
                person = find_by_identifier(cms.cms_id)
                if person is not None:
                    return redirect("web:person", person_id=person.id)
                request.session[SEARCH_KEY] = {"cms_id": cms.cms_id}
                return redirect("web:results")
        else:
            name = NameSearch.from_post(request.POST, today=timezone.localdate())
            if not name.errors:
                record(request, AuditAction.SEARCHED, search_terms=name.terms)
                request.session[SEARCH_KEY] = name.terms
                return redirect("web:results")
    return render_page(request, "web/find_person.html", {
        "name": name, "cms": cms, "errors": (name or cms).errors if (name or cms) else None,
    })


@role_required(*CAN_VIEW_PEOPLE)
@reason_before_search
def results(request: HttpRequest) -> HttpResponse:
    terms = request.session.get(SEARCH_KEY)
    if not terms:
        return redirect("web:find-person")
    if "cms_id" in terms:
        people = []
    else:
        dob = date.fromisoformat(terms["date_of_birth"]) if terms.get("date_of_birth") else None
        people = search_people(terms["first_name"], terms["last_name"], dob)
    paginator = Paginator(people, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    record_many(request, AuditAction.SHOWN_IN_RESULTS, page.object_list)
    disclosure = Disclosure.for_session(request)
    today = disclosure.today
    # One reverse() for the page rather than one per row (each cost ~30 µs of URL resolving).
    rows = [{"person": p.person, "address": p.address_text, "age": age_text(p.date_of_birth, today),
             "href": person_url(p.id)} for p in disclosure.summaries(page.object_list)]
    return render_page(request, "web/results.html", {
        "terms": terms, "page": page, "rows": rows, "pagination": pagination(page, reverse("web:results"), label="Pages of results"),
        "total": paginator.count, "strength_explained": STRENGTH_EXPLAINED, "ties_explained": TIES_EXPLAINED,
    })


_PERSON_URL_PREFIX: str | None = None


def person_url(person_id: str) -> str:
    """``reverse("web:person", args=[person_id])`` without resolving the URL pattern each time."""
    global _PERSON_URL_PREFIX
    if _PERSON_URL_PREFIX is None:
        marker = "PERSONID"
        _PERSON_URL_PREFIX = reverse("web:person", args=[marker]).removesuffix(marker)
    return _PERSON_URL_PREFIX + quote(str(person_id), safe="!$&'()*+,;=~:@")
