"""Errors as RFC 9457 problem details: application/problem+json with type, title, status, detail.

Every error the API returns goes through ``problem_response``, so clients can rely on one shape.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://familycontext.example/problems/"  # stable identifiers, documented in docs/api.md

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Server error",
    501: "Not implemented",
}


class ApiProblem(Exception):
    """Raised anywhere in an API view; turned into a problem response."""

    def __init__(self, status: int, slug: str, detail: str, *, title: str | None = None,
                 headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.title = title or TITLES.get(status, "Error")
        self.headers = headers or {}
        self.extensions = extensions


def problem_body(problem: ApiProblem, instance: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.slug,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if instance:
        body["instance"] = instance
    body.update(problem.extensions)
    return body


def problem_response(problem: ApiProblem, instance: str | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(problem_body(problem, instance)), status=problem.status,
                            content_type=PROBLEM_CONTENT_TYPE)
    for name, value in problem.headers.items():
        response[name] = value
    return response


def not_found(what: str = "No such resource") -> ApiProblem:
    return ApiProblem(404, "not-found", what)


class RequestGuardMiddleware:
    """/api/: a request ``ops.request_guard`` refuses (a body over the upload limit, an unreadable
    charset) gets problem JSON (413 or 400) instead of a 500 when a view reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            from familycontext.ops.request_guard import refusal

            refused = refusal(request)
            if refused is not None:
                status, slug, detail = refused
                return problem_response(ApiProblem(status, slug, detail), instance=request.path)
        return self.get_response(request)
