"""/api/v1: the versioned JSON API (SPEC 9). Views are thin: authenticate, check, read, audit, present.

The same roles (``accounts.roles``), display rules (``involvement.cards``), reason for access and
audit actions as the web pages; see docs/api.md.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Header, Query

from familycontext.accounts.roles import CAN_VIEW_PEOPLE, DATA_MANAGER, roles_of
from familycontext.api import present, readers, schemas
from familycontext.api.auth import Principal, authenticate, require
from familycontext.api.openapi import ERRORS, FamilyContextApi
from familycontext.api.people import (
    DETAIL_ACTIONS,
    closed_cards,
    disclosed_person,
    get_person,
    open_service_card,
    withheld_problem,
)
from familycontext.api.problems import ApiProblem
from familycontext.api.reasons import reason_from_request, record, record_many, record_view
from familycontext.disclosure import Disclosure
from familycontext.governance.models import AuditAction
from familycontext.governance.reason import asked_before_search
from familycontext.people.matching import identifier_kind
from familycontext.people.search import find_by_identifier, search_people

api = FamilyContextApi(
    title="Family Context API",
    version="1.0.0",
    description=(
        "Which services know a child's family, and whom to call. Authenticate with an API token or an "
        "OIDC bearer token (`Authorization: Bearer ...`). Calls about a person need a reason for access: "
        "headers `X-Reason-CMS-Id`, `X-Reason-Type` (section-47, section-17, other) and `X-Reason-Text`, "
        "or the query parameters `reason_cms_id`, `reason_type`, `reason_text`. Errors are RFC 9457 "
        "problem details. See docs/api.md."
    ),
    urls_namespace="api-v1",
)

READ_PEOPLE = "read:people"
READ_SOURCES = "read:sources"
PERSON_ERRORS = {code: schemas.Problem for code in ERRORS}

ReasonCmsId = Header(None, alias="X-Reason-CMS-Id", description="CMS id of the child whose assessment this is")
ReasonType = Header(None, alias="X-Reason-Type", description="section-47, section-17 or other")
ReasonText = Header(None, alias="X-Reason-Text", description="Needed when the type is other")


def _people_caller(request: HttpRequest) -> Principal:
    principal = authenticate(request)
    require(principal, READ_PEOPLE, *CAN_VIEW_PEOPLE)
    return principal


def _page_links(request: HttpRequest, total: int, limit: int, offset: int) -> schemas.Links:
    base = request.path

    def at(start: int) -> str:
        return f"{base}?{urlencode({'limit': limit, 'offset': start})}"

    return schemas.Links(
        self=at(offset),
        next=at(offset + limit) if offset + limit < total else None,
        previous=at(max(0, offset - limit)) if offset > 0 else None,
    )


class Page(schemas.Schema):
    limit: int = schemas.Field(20, ge=1, le=100)
    offset: int = schemas.Field(0, ge=0, le=10_000)


@api.get("/me", response={200: schemas.Me, **PERSON_ERRORS}, url_name="me", tags=["account"],
         summary="Who is calling, with which roles and scopes")
def me(request: HttpRequest):
    principal = authenticate(request)
    user = principal.user
    return schemas.Me(username=user.get_username(), name=user.get_full_name() or user.get_username(),
                      roles=sorted(roles_of(user)), scopes=sorted(principal.scopes),
                      authentication=principal.method)


@api.post("/search/by-name", response={200: schemas.SearchResults, **PERSON_ERRORS}, url_name="search-by-name",
          tags=["search"], summary="Find people by name (and date of birth); best matches first")
def search_by_name(request: HttpRequest, query: schemas.NameQuery, page: Query[Page]):
    """Names travel in the body, not the address, so they stay out of logs. Audited as the web search."""
    _people_caller(request)
    reason = reason_from_request(request, required=asked_before_search())
    terms = {"first_name": query.first_name, "last_name": query.last_name}
    if query.date_of_birth:
        terms["date_of_birth"] = query.date_of_birth.isoformat()
    record(request, reason, AuditAction.SEARCHED, search_terms=terms)
    people = search_people(query.first_name, query.last_name, query.date_of_birth)
    shown = Disclosure.for_api(request).summaries(people[page.offset:page.offset + page.limit])
    record_many(request, reason, AuditAction.SHOWN_IN_RESULTS, [p.person for p in shown])
    return schemas.SearchResults(
        total=len(people), limit=page.limit, offset=page.offset,
        results=[present.summary(p) for p in shown],
        links=_page_links(request, len(people), page.limit, page.offset),
    )


@api.post("/search/by-identifier", response={200: schemas.SearchResults, **PERSON_ERRORS},
          url_name="search-by-identifier", tags=["search"],
          summary="Find the person with a CMS id or NHS number (zero or one result)")
def search_by_identifier(request: HttpRequest, query: schemas.IdentifierQuery):
    _people_caller(request)
    reason = reason_from_request(request, required=asked_before_search())
    record(request, reason, AuditAction.SEARCHED, search_terms={identifier_kind(query.identifier): query.identifier})
    person = find_by_identifier(query.identifier)
    found = Disclosure.for_api(request).summaries([person] if person else [])
    record_many(request, reason, AuditAction.SHOWN_IN_RESULTS, [p.person for p in found])
    paginator = Paginator(found, 1)
    return schemas.SearchResults(total=paginator.count, limit=1, offset=0,
                                 results=[present.summary(p) for p in found],
                                 links=schemas.Links(self=request.path))


@api.get("/people/{person_id}", response={200: schemas.PersonDetails, **PERSON_ERRORS}, url_name="person",
         tags=["people"], summary="Basic details: names, other names, date of birth, gender, addresses")
def person(request: HttpRequest, person_id: str, x_reason_cms_id: str | None = ReasonCmsId,
           x_reason_type: str | None = ReasonType, x_reason_text: str | None = ReasonText):
    _people_caller(request)
    reason = reason_from_request(request, required=True)
    subject = get_person(person_id)
    disclosed = disclosed_person(request, subject)
    record_view(request, reason, subject)
    return present.person_details(disclosed)


@api.get("/people/{person_id}/services", response={200: list[schemas.ServiceSummary], **PERSON_ERRORS},
         url_name="services", tags=["people"],
         summary="The four service cards, closed: flags, source and freshness (never details)")
def services(request: HttpRequest, person_id: str, x_reason_cms_id: str | None = ReasonCmsId,
             x_reason_type: str | None = ReasonType, x_reason_text: str | None = ReasonText):
    _people_caller(request)
    reason = reason_from_request(request, required=True)
    subject = get_person(person_id)
    cards = closed_cards(request, subject)
    record_view(request, reason, subject)
    return [present.service_summary(subject, card) for card in cards]


@api.get("/people/{person_id}/services/{service}", response={200: schemas.ServiceDetails, **PERSON_ERRORS},
         url_name="service-details", tags=["people"],
         summary="Open one card: school, housing, adult-social-care or police (audited per service)")
def service_details(request: HttpRequest, person_id: str, service: str,
                    x_reason_cms_id: str | None = ReasonCmsId, x_reason_type: str | None = ReasonType,
                    x_reason_text: str | None = ReasonText):
    _people_caller(request)
    reason = reason_from_request(request, required=True)
    key = readers.SLUG_SERVICES.get(service)
    if key is None:
        raise ApiProblem(404, "not-found", "No such service: use school, housing, adult-social-care or police.")
    subject = get_person(person_id)
    card = open_service_card(request, subject, key)
    record(request, reason, DETAIL_ACTIONS[key], person=subject)
    return present.service_details(subject, card)


@api.get("/people/{person_id}/related", response={200: schemas.RelatedIndividuals, **PERSON_ERRORS},
         url_name="related", tags=["people"],
         summary="Related individuals: linked in the CMS, and at the same address in other records")
def related(request: HttpRequest, person_id: str, x_reason_cms_id: str | None = ReasonCmsId,
            x_reason_type: str | None = ReasonType, x_reason_text: str | None = ReasonText):
    _people_caller(request)
    reason = reason_from_request(request, required=True)
    subject = get_person(person_id)
    disclosed = disclosed_person(request, subject)
    if disclosed.restricted:
        raise withheld_problem()
    record_view(request, reason, subject)
    return present.related(disclosed)


@api.get("/sources", response={200: list[schemas.DataSource], **PERSON_ERRORS}, url_name="sources",
         tags=["sources"], summary="Live data sources and how current each is")
def sources(request: HttpRequest):
    principal = authenticate(request)
    if READ_SOURCES not in principal.scopes and READ_PEOPLE not in principal.scopes:
        require(principal, READ_SOURCES)
    require(principal, next(iter(principal.scopes & {READ_SOURCES, READ_PEOPLE})),
            *CAN_VIEW_PEOPLE, DATA_MANAGER)
    today = timezone.localdate()
    return [
        schemas.DataSource(service=s.service.replace("_", "-"), title=s.title, source_key=s.key,
                           source_name=s.facts.name, records=s.records,
                           freshness=present.freshness(s.freshness))
        for s in readers.live_sources(today)
    ]


def docs_url() -> str:
    return reverse("api-v1:openapi-view")
