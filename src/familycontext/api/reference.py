"""The Family Context reference API contract (shared/reference/family-context-api-v0.0.1.yaml),
served at the paths it declares (/api/auth/..., /api/search/person, /api/person/...), so clients
written for the reference implementation work. Where the document and its reference client disagree,
the client wins (see docs/api.md): login answers 302 to /api/auth/status (which answers 200), person
ids may carry the client's "fc:" prefix, related individuals answer with and without the trailing
slash, ServiceDetail.schema is the service's schema with $refs inlined and x-item-seq ordering,
dates of birth may be ISO timestamps, every text field the client reads is present ("" when
unknown), and a restricted person's refused details answer 423, not the 403 it reads as "signed out"
(ADR 0003). The 2021 client itself is served by ``reference_ui``.

The same authentication, roles, reason for access, audit and display rules as /api/v1.
"""

from __future__ import annotations

import copy
import json
import logging
from datetime import date, datetime
from functools import cache, wraps
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import authenticate as check_password
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt

from familycontext.accounts import lockout, second_factor
from familycontext.accounts.roles import CAN_VIEW_PEOPLE, has_role
from familycontext.api import readers
from familycontext.api.auth import authenticate, require
from familycontext.api.people import (
    DETAIL_ACTIONS,
    closed_cards,
    disclosed_person,
    get_person,
    open_service_card,
    withheld_problem,
)
from familycontext.api.problems import ApiProblem, problem_response
from familycontext.api.reasons import reason_from_request, record, record_many, record_view
from familycontext.api.reference_ui import PREFIX, sent_by_the_served_ui
from familycontext.api.schemas import plausible_birth_date
from familycontext.disclosure import Disclosure, PersonSummary
from familycontext.governance import audit, sign_in_throttle
from familycontext.governance.models import AuditAction
from familycontext.governance.reason import Reason, asked_before_search, set_reason
from familycontext.governance.reason import problems as reason_problems
from familycontext.people.models import Person
from familycontext.people.search import find_by_identifier, search_people
from familycontext.sources.services import ADULT_SOCIAL_CARE, HOUSING, POLICE, SCHOOL

logger = logging.getLogger(__name__)
CONTRACT_PATH = Path(__file__).with_name("reference-contract-v0.0.1.yaml")
SCHEMA_ROOT = "http://www.sfdl.org.uk/schemas/fc/0.0.1#"
SERVICE_IDS = {SCHOOL: "School", HOUSING: "Housing", ADULT_SOCIAL_CARE: "AdultSocialCare", POLICE: "Police"}
ID_SERVICES = {v.lower(): k for k, v in SERVICE_IDS.items()} | {
    slug: key for slug, key in readers.SLUG_SERVICES.items()}
PAGE_SIZE = 20
RESTRICTED_PROBLEMS = {"break-glass-required", "restricted"}


@cache
def contract() -> dict:
    return yaml.safe_load(CONTRACT_PATH.read_text())


def _inline(schema_name: str) -> dict:
    """A component schema with $refs inlined and x-item-seq on each property, as the reference
    server sends it and its client needs (it orders fields by x-item-seq)."""
    schemas = contract()["components"]["schemas"]
    item = copy.deepcopy(schemas[schema_name])
    for seq, (name, prop) in enumerate(item.get("properties", {}).items(), start=1):
        if "$ref" in prop:
            inner = _inline(prop["$ref"].rsplit("/", 1)[-1])
            inner.setdefault("title", prop.get("title"))
            prop = item["properties"][name] = inner
        if prop.get("type") == "array" and "$ref" in prop.get("items", {}):
            prop["items"] = _inline(prop["items"]["$ref"].rsplit("/", 1)[-1])
        prop["x-item-seq"] = seq
    item["x-ref"] = SCHEMA_ROOT + schema_name
    return item


def _as_the_client_shows_it(problem: ApiProblem) -> ApiProblem:
    """The reference client treats every 403 as "signed out" and shows its sign-in form; a restricted
    person's details are refused with 423 (Locked) instead, which it shows as an error on the page."""
    if problem.status == 403 and problem.slug in RESTRICTED_PROBLEMS:
        problem.status, problem.title = 423, "Restricted record"
    return problem


def endpoint(*methods: str, json_body: bool = True, on_problem=None):
    """Method check, problems for errors, no caching, CSRF handled as docs/api.md says.

    ``json_body``: a POST body must be application/json (so a cross-site form cannot send one); no
    body at all reads as {} (the document does not require one for login).
    ``on_problem``: extra members for every problem this endpoint answers (see search_person).
    """

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise ApiProblem(405, "method-not-allowed", f"Use {' or '.join(methods)}.",
                                     headers={"Allow": ", ".join(methods)})
                if json_body and request.method == "POST" and request.body \
                        and request.content_type != "application/json":
                    raise ApiProblem(415, "json-required", "Send the body as application/json.")
                response = view(request, *args, **kwargs)
            except ApiProblem as problem:
                problem = _as_the_client_shows_it(problem)
                problem.extensions = {**(on_problem or {}), **problem.extensions}
                response = problem_response(problem, request.path)
            except Exception:  # never a stack trace to the client; the log has it
                logger.exception("Reference API error on %s", request.path)
                response = problem_response(ApiProblem(500, "server-error", "Something went wrong on "
                                                       "the server. It has been logged."), request.path)
            response["Cache-Control"] = "no-store"
            response["X-Content-Type-Options"] = "nosniff"
            return response

        return wrapped

    return decorator


NUL = "\x00"  # in no name or id; PostgreSQL can neither store nor compare it (the audit keeps terms)


def _json_body(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiProblem(400, "invalid-json", "The body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise ApiProblem(400, "invalid-json", "The body must be a JSON object.")
    return body


def _people_caller(request: HttpRequest):
    principal = authenticate(request, csrf=False)
    require(principal, "read:people", *CAN_VIEW_PEOPLE)
    return principal


def _no_nul_in_id(raw: str) -> None:
    if NUL in raw:
        raise ApiProblem(404, "not-found", "There is no person with that id.")


def _person_id(raw: str) -> Person:
    """The reference client asks for 'fc:<id>'; 'cms:<id>' finds by case management system id as the
    web's case-id search does (any case, spaces allowed; an NHS number too)."""
    _no_nul_in_id(raw)
    kind, sep, value = raw.partition(":")
    if sep and kind.lower() == "cms":
        found = find_by_identifier(value.strip()[:100])
        if found is None:
            raise ApiProblem(404, "not-found", f"There is no person with CMS id {value.strip()[:40]!r}.")
        return get_person(found.id)
    return get_person(value if sep and kind.lower() == "fc" else raw)


def _is_case_id_search(raw: str) -> bool:
    kind, sep, _ = raw.partition(":")
    return bool(sep) and kind.lower() == "cms"


def _present(strings: dict[str, Any], formatted: dict[str, Any]) -> dict[str, Any]:
    """Every field the reference client reads, present: text as "" when unknown (the client reads,
    e.g., ``address.split`` and ``contact.name``, and fails on a missing field). A date, date-time or
    patterned field is left out when unknown instead, because the document's format or pattern
    refuses "", and the client shows a missing one as blank."""
    return {k: "" if v is None else v for k, v in strings.items()} | {
        k: v for k, v in formatted.items() if v not in (None, "")}


def person_json(person: PersonSummary) -> dict[str, Any]:
    """The contract's Person: gender in lower case (left out when unknown); address "" when the
    disclosure withholds it (restricted, or a restricted person lives there)."""
    gender = (person.gender or "").lower()
    return _present({
        "id": person.id, "cmsId": person.cms_id, "firstName": person.first_name,
        "lastName": person.last_name,
        "address": "" if person.address_withheld else ", ".join(
            p for p in (person.address, person.postcode) if p),
    }, {
        "dateOfBirth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "gender": gender if gender in ("male", "female", "other") else None,
    })


# --- auth ---------------------------------------------------------------------------------------

@endpoint("GET")
def auth_status(request: HttpRequest) -> HttpResponse:
    principal = authenticate(request, csrf=False)
    if not has_role(principal.user, *CAN_VIEW_PEOPLE):
        raise ApiProblem(403, "role-required", "Your account has no role that may view people.")
    user = principal.user
    return JsonResponse({"id": user.get_username(), "name": user.get_full_name() or user.get_username(),
                         "status": "authenticated"})


@endpoint("POST")
def auth_login(request: HttpRequest) -> HttpResponse:
    """Sign in with a local account; an optional "reason" {cmsId, type, text} is kept for the session."""
    if sent_by_the_served_ui(request):
        # The stock UI shows its own sign-in form after a sign-out or a time-out; its users sign in
        # through the product's pages (single sign-on, second factor, reason), which a reload opens.
        raise ApiProblem(403, "sign-in-through-family-context", "Sign in through Family Context: "
                         f"open {PREFIX} again, which takes you to the sign-in and reason pages.")
    body = _json_body(request)
    userid, password = body.get("userid"), body.get("password")
    if not isinstance(userid, str) or not isinstance(password, str) or not userid or not password:
        raise ApiProblem(401, "sign-in-failed", "Send userid and password.")
    if NUL in userid:  # no account has it (and the database cannot look it up)
        raise ApiProblem(401, "sign-in-failed", "The userid and password do not match an account.")
    if not settings.CONFIG.local_accounts.enabled:
        raise ApiProblem(401, "sign-in-failed", "Local accounts are switched off here: sign in with "
                         "the council's single sign-on in the web app, or use a token.")
    wait = sign_in_throttle.retry_after(audit.client_address(request))
    if wait is not None:
        audit.record(request, AuditAction.SIGN_IN_FAILED, username=userid[:150],
                     details={"method": "password (reference API)", "throttled": True})
        raise ApiProblem(429, "too-many-failed-sign-ins", sign_in_throttle.message(wait),
                         headers={"Retry-After": str(wait)})
    user = check_password(request, username=userid[:150], password=password)
    if user is None:
        sign_in_throttle.failed(audit.client_address(request))
        locked = lockout.locked_out(request)
        audit.record(request, AuditAction.SIGN_IN_FAILED, username=userid[:150],
                     details={"method": "password (reference API)", "locked_out": locked})
        raise ApiProblem(401, "sign-in-failed", "This account is locked after too many failed sign-ins."
                         if locked else "The userid and password do not match an account.")
    if second_factor.needs_code(user) or second_factor.must_set_up(user):
        raise ApiProblem(401, "second-factor-required", "This account signs in with an authenticator "
                         "code, which this sign-in cannot take: use the web app or an API token.")
    login(request, user, backend="familycontext.accounts.backends.UserBackend")
    audit.record(request, AuditAction.SIGNED_IN, details={"method": "password (reference API)"})
    given = body.get("reason")
    if isinstance(given, dict):
        kind = str(given.get("type", "")).replace("-", "_")
        cms_id, text = str(given.get("cmsId", "")).strip()[:100], str(given.get("text", "")).strip()[:1000]
        # Kept only when it passes the web form's checks (a child in the live CMS snapshot, ...);
        # otherwise person calls answer reason-required, naming what to send.
        if NUL not in cms_id + text and not reason_problems(cms_id, kind, text):
            set_reason(request, Reason(cms_id=cms_id, type=kind, text=text if kind == "other" else ""))
    return redirect("/api/auth/status")


@endpoint("POST", json_body=False)
def auth_logout(request: HttpRequest) -> HttpResponse:
    """Any body (the client sends ""): there is nothing to read, and the session cookie is Lax, so
    another site cannot sign the user out."""
    if request.user.is_authenticated:
        audit.record(request, AuditAction.SIGNED_OUT)
    logout(request)
    return redirect("/api/auth/status")


# --- people -------------------------------------------------------------------------------------

def _page(body: dict) -> tuple[int, int]:
    """Page size and number, within 1-100 and from 1 (0 is read as 1), as paginationInfo then says."""
    details = body.get("paginationDetails") or {}
    if not isinstance(details, dict):
        raise ApiProblem(400, "invalid-request", "paginationDetails must be an object.")
    size, number = details.get("resultsPerPage", PAGE_SIZE), details.get("pageNumber", 1)
    if not isinstance(size, int) or not isinstance(number, int) or isinstance(size, bool) \
            or isinstance(number, bool):
        raise ApiProblem(400, "invalid-request", "resultsPerPage and pageNumber must be whole numbers.")
    return min(max(size, 1), 100), min(max(number, 1), 1_000_000)


def _birth_date(value: Any) -> date | None:
    """A date (the document) or the ISO timestamp the reference client sends for one
    ("2015-03-31T00:00:00.000Z", built from the day, month and year typed): the date as written."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
        return plausible_birth_date(day)
    except ValueError as exc:
        raise ApiProblem(400, "invalid-request", "dateOfBirth must be a date like 2015-03-31 (or "
                         "2015-03-31T00:00:00.000Z), from 1900 to today.") from exc


# The client reads ``results.length`` of whatever a search answers: an empty list with every problem
# lets it say "No matches found" rather than fail.
@endpoint("POST", "HEAD", on_problem={"results": []})
def search_person(request: HttpRequest) -> HttpResponse:
    _people_caller(request)
    if request.method == "HEAD":
        return HttpResponse(status=200)
    body = _json_body(request)
    first, last = body.get("firstName"), body.get("lastName")
    if not isinstance(first, str) or not isinstance(last, str) or not first.strip() or not last.strip():
        raise ApiProblem(400, "invalid-request", "firstName and lastName are required.")
    if NUL in first + last:
        raise ApiProblem(400, "invalid-request", "firstName and lastName must not hold the NUL character.")
    dob = _birth_date(body.get("dateOfBirth"))
    size, number = _page(body)
    terms = {"first_name": first[:200], "last_name": last[:200]} | (
        {"date_of_birth": dob.isoformat()} if dob else {})
    reason = reason_from_request(request, required=asked_before_search())
    record(request, reason, AuditAction.SEARCHED, search_terms=terms)
    people = search_people(first[:200], last[:200], dob)
    shown = Disclosure.for_api(request).summaries(people[(number - 1) * size:number * size])
    record_many(request, reason, AuditAction.SHOWN_IN_RESULTS, [p.person for p in shown])
    return JsonResponse({
        "paginationInfo": {"totalResults": len(people), "resultsPerPage": size, "pageNumber": number},
        "results": [person_json(p) for p in shown],
    })


@endpoint("GET")
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    _people_caller(request)
    reason = reason_from_request(request, required=True)
    _no_nul_in_id(person_id)
    if _is_case_id_search(person_id):  # the client's case-id search: audited as the web's is
        record(request, reason, AuditAction.SEARCHED, search_terms={"cms_id": person_id.partition(":")[2].strip()[:100]})
    subject = _person_id(person_id)
    record_view(request, reason, subject)
    return JsonResponse(person_json(Disclosure.for_api(request).summary(subject)))


def _summary(card) -> dict[str, Any]:
    facts = card.freshness
    return _present({
        "id": SERVICE_IDS[card.service], "title": card.title, "dataSource": card.source_name,
        "coverageExplanation": facts.coverage_explanation if facts else None,
    }, {
        "lastSynchronised": facts.as_of.isoformat() if facts else None,
        "coverageStartDate": facts.coverage_start.isoformat() if facts and facts.coverage_start else None,
        "coverageEndDate": facts.coverage_end.isoformat() if facts and facts.coverage_end else None,
    }) | {"recordsAvailable": card.records_found}


@endpoint("GET")
def person_services(request: HttpRequest, person_id: str) -> HttpResponse:
    """Like the reference server: only services shown for the person's age (and loaded)."""
    _people_caller(request)
    reason = reason_from_request(request, required=True)
    subject = _person_id(person_id)
    cards = [c for c in closed_cards(request, subject) if c.shown_for_age and c.loaded]
    record_view(request, reason, subject)
    return JsonResponse([_summary(c) for c in cards], safe=False)


def _contact(contact) -> dict[str, str]:
    """Always an object: the client reads each of its fields (an absent contact fails the page)."""
    fields = ("name", "email", "phone", "role")
    return _present({f: getattr(contact, f, None) for f in fields}, {})


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def known_data(card) -> dict[str, Any]:
    """A source that knows the person but shows nothing under the rules: whom to call, as the
    web card does (``Card.contact``); nothing for a source that holds no record."""
    return {"contact": _contact(card.contact)} if card.known else {}


def service_data(service: str, details) -> dict[str, Any]:
    """The card's details under the contract's School / Housing / AdultSocialCare / Police names."""
    if details is None:
        return {}
    contact = {"contact": _contact(details.contact)}
    if service == SCHOOL:
        return contact | _present({"serviceInvolvement": details.involvement, "schoolName": details.school_name,
                                   "admissionType": details.admission_type}, {})
    if service == HOUSING:
        return contact | _present({
            "serviceInvolvement": details.involvement, "housingAssociation": details.housing_association,
            "antiSocialBehaviour": details.anti_social_behaviour, "rentArrears": details.rent_arrears,
            "noticeSeekingPossession": details.notice_seeking_possession, "eviction": details.eviction,
        }, {"tenancyStart": _day(details.tenancy_start)})
    if service == ADULT_SOCIAL_CARE:
        return contact | _present({
            "serviceInvolvement": details.involvement,
            "localAuthorityOrganisation": details.local_authority_organisation,
        }, {"startDateOfLastInvolvement": _day(details.start_of_last_involvement),
            "dateOfMostRecentInteraction": _day(details.most_recent_interaction)})
    return contact | _present({"policeArea": details.police_area}, {}) | {
        "safeGuardingOffences": [
            _present({"typeOfOffence": o.offence_type, "natureOfInvolvement": o.nature_of_involvement},
                     {"dateOfOffence": _day(o.offence_date)}) for o in details.safeguarding_offences],
        "nonSafeGuardingOffences": [{"recordsFound": "Yes" if details.non_safeguarding_records_found else "No"}]}


@endpoint("GET")
def person_service(request: HttpRequest, person_id: str, service_type: str) -> HttpResponse:
    _people_caller(request)
    reason = reason_from_request(request, required=True)
    key = ID_SERVICES.get(service_type.lower())
    if key is None:
        raise ApiProblem(404, "not-found", "No such service: use School, Housing, AdultSocialCare or Police.")
    subject = _person_id(person_id)
    card = open_service_card(request, subject, key)
    record(request, reason, DETAIL_ACTIONS[key], person=subject)
    if not card.loaded:
        raise ApiProblem(404, "not-found", card.flag_text)
    return JsonResponse({"summary": _summary(card), "schema": _inline(SERVICE_IDS[key]),
                         # a contact object even with no one to call: the client reads contact.name
                         "data": service_data(key, card.details) or known_data(card)
                         or {"contact": _contact(None)}})


@endpoint("GET", "HEAD")
def person_related(request: HttpRequest, person_id: str) -> HttpResponse:
    _people_caller(request)
    if request.method == "HEAD":  # "is it supported": for any id, so it tells nobody who exists
        return HttpResponse(status=200)
    reason = reason_from_request(request, required=True)
    subject = _person_id(person_id)
    disclosed = disclosed_person(request, subject)
    if disclosed.restricted:
        raise withheld_problem()
    record_view(request, reason, subject)
    related = [person_json(r.summary) | {"relationship": r.relationship, "relationshipToId": subject.id}
               for r in disclosed.related if r.summary]
    return JsonResponse(related, safe=False)


def contract_document(request: HttpRequest) -> HttpResponse:
    """The reference contract itself, as served here (unchanged)."""
    return HttpResponse(CONTRACT_PATH.read_text(), content_type="application/yaml; charset=utf-8")
