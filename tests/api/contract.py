"""Validate responses against the generated OpenAPI document and the reference contract."""

from __future__ import annotations

import json
from functools import cache

from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from familycontext.api.reference import contract
from familycontext.api.v1 import api

# openapi-core reads application/json only; problem details are JSON too (RFC 9457).
CONFIG = Config(extra_media_type_deserializers={"application/problem+json": json.loads})


@cache
def generated() -> OpenAPI:
    return OpenAPI.from_dict(json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"))), config=CONFIG)  # as served


@cache
def reference() -> OpenAPI:
    return OpenAPI.from_dict(json.loads(json.dumps(contract())), config=CONFIG)  # YAML keys 200 -> "200"


def check(spec: OpenAPI, response) -> None:
    """Raises when the response does not match the document (status, content type, body)."""
    spec.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))
