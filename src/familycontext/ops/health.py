"""Health and readiness for load balancers and systemd: public, JSON, nothing personal.

``/healthz`` says the process is up and answering, without touching the database, so a slow
database does not get every worker restarted. ``/readyz`` says whether this instance can serve
social workers: the database answers and every service has a live snapshot. A 503 names what is
missing (a service or "database"), never an error text, which might name a host or a person.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from familycontext.sources.models import Snapshot
from familycontext.sources.services import SERVICES

log = logging.getLogger(__name__)


def _json(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return _json({"status": "ok"})


def missing_services() -> list[str]:
    """Services without a live snapshot, in the order of ``SERVICES``."""
    live = set(Snapshot.objects.filter(live=True).values_list("source__service", flat=True))
    return [service for service in SERVICES if service not in live]


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        missing = missing_services()
    except DatabaseError as exc:
        log.warning("readiness: database not reachable", extra={"error": type(exc).__name__})
        return _json({"status": "not ready", "missing": ["database"]}, status=503)
    if missing:
        return _json({"status": "not ready", "missing": [f"live snapshot: {s}" for s in missing]},
                     status=503)
    return _json({"status": "ready"})
