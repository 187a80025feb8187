"""Request ids and the access log.

Each request gets an id: the ``X-Request-ID`` nginx (or a caller) sent, if it looks like an id,
else a new one. It is echoed in the response and on every log line made while handling the
request, so a user's report ("it failed at 10:02, reference 3f2a…") leads to the lines.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from familycontext.ops.logs import request_id_var, route_of

HEADER = "X-Request-ID"
# Ids from outside are accepted only in this shape, so a header cannot smuggle text into logs.
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")

access_log = logging.getLogger("familycontext.requests")


def request_id_from(request: HttpRequest) -> str:
    offered = request.headers.get(HEADER, "")
    return offered if _ACCEPTED.fullmatch(offered) else secrets.token_hex(16)


class RequestIdMiddleware:
    """Sets the request id, echoes it, and writes one access line per request (no paths)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": route_of(request) or _static_or_none(request),
                    "view": match.view_name if match is not None else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def _static_or_none(request: HttpRequest) -> str | None:
    """Static files are answered by WhiteNoise before URL matching: name them as one route."""
    return f"{settings.STATIC_URL}*" if request.path.startswith(settings.STATIC_URL) else None
