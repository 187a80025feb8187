"""The NinjaAPI with Family Context's conventions: problem details for every error, bearer and
session security schemes in the document, and a Swagger UI page that works under the site's CSP.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.utils.html import escape
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from familycontext.api.problems import PROBLEM_CONTENT_TYPE, ApiProblem, problem_response

logger = logging.getLogger(__name__)

ERRORS = (400, 401, 403, 404, 422, 429)
SECURITY_SCHEMES = {
    "apiToken": {"type": "http", "scheme": "bearer",
                 "description": "An API token (fct_...) from `familycontext api-token create`"},
    "oidcBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "An access token from the council's OpenID Connect provider"},
    "session": {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "A signed-in browser session (POST needs the X-CSRFToken header)"},
}


class SwaggerPage(DocsBase):
    """Ninja's bundled Swagger UI, served from static files (no CDN, no inline script)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # Raw JSON in a script element: no HTML escaping there, but no "<" that could close it.
        settings_json = json.dumps({"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout",
                                    "deepLinking": True}).replace("<", "\\u003c")
        csrf = escape(get_token(request)) if request.user.is_authenticated else ""
        html = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(api.title)} – documentation</title>
<link rel="stylesheet" href="{static('ninja/swagger-ui.css')}">
</head>
<body data-csrf-token="{csrf}" data-api-csrf="{'true' if csrf else ''}">
<main>
<script type="application/json" id="swagger-settings">{settings_json}</script>
<div id="swagger-ui"></div>
</main>
<script src="{static('ninja/swagger-ui-bundle.js')}"></script>
<script src="{static('ninja/swagger-ui-init.js')}"></script>
</body>
</html>"""
        response = HttpResponse(html)
        response["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")
        return response


class FamilyContextApi(NinjaAPI):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(docs=SwaggerPage(), docs_url="/docs", openapi_url="/openapi.json", **kwargs)
        self.add_exception_handler(ApiProblem, self._problem)
        self.add_exception_handler(ValidationError, self._invalid)
        self.add_exception_handler(AuthenticationError, self._unauthenticated)
        self.add_exception_handler(HttpError, self._http_error)
        self.add_exception_handler(Http404, self._not_found)
        self.add_exception_handler(Exception, self._server_error)

    def _problem(self, request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem_response(exc, request.path)

    def _invalid(self, request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [{"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                  for e in exc.errors]
        detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors) or "The request is not valid."
        return problem_response(ApiProblem(422, "invalid-request", detail, errors=errors), request.path)

    def _unauthenticated(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem_response(ApiProblem(401, "not-authenticated", "Send a token.",
                                           headers={"WWW-Authenticate": "Bearer"}), request.path)

    def _http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(ApiProblem(exc.status_code, "http-error", str(exc)), request.path)

    def _not_found(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem_response(ApiProblem(404, "not-found", "Not found."), request.path)

    def _server_error(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s", request.path)
        return problem_response(ApiProblem(500, "server-error", "Something went wrong on the server. "
                                           "It has been logged; try again later."), request.path)

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        response["Cache-Control"] = "no-store"  # about people: no browser or proxy keeps it
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params=None) -> dict:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
        schema["security"] = [{"apiToken": []}, {"oidcBearer": []}, {"session": []}]
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    if int(code) >= 400 and "content" in response:
                        response["content"] = {PROBLEM_CONTENT_TYPE: response["content"].pop("application/json")}
                    if int(code) == 429:
                        response["headers"] = {"Retry-After": {
                            "description": "Seconds until the next window", "schema": {"type": "integer"}}}
        return schema
