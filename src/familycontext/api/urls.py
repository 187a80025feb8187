"""/api/v1/... (versioned, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs) and the reference
contract at the paths its document declares (/api/auth/..., /api/search/person, /api/person/...)."""

from django.urls import path, re_path

from familycontext.api import reference
from familycontext.api.problems import ApiProblem, problem_response
from familycontext.api.v1 import api


def no_such_endpoint(request, rest: str = ""):
    return problem_response(ApiProblem(404, "not-found", "There is no API endpoint at this address. "
                                       "See /api/v1/docs."), request.path)


urlpatterns = [
    path("v1/", api.urls),
    path("reference/family-context-api-v0.0.1.yaml", reference.contract_document, name="reference-contract"),
    path("auth/status", reference.auth_status),
    path("auth/login", reference.auth_login),
    path("auth/logout", reference.auth_logout),
    path("search/person", reference.search_person),
    path("person/detail/<str:person_id>", reference.person_detail),
    path("person/detail/<str:person_id>/service", reference.person_services),
    path("person/detail/<str:person_id>/service/<str:service_type>", reference.person_service),
    path("person/related/<str:person_id>/", reference.person_related),
    path("person/related/<str:person_id>", reference.person_related),  # as the reference client calls it
    re_path(r"^(?P<rest>.*)$", no_such_endpoint),
]
