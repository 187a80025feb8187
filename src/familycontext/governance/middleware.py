"""Makes the request being served known to ``governance.audit.record_event``, so events raised
inside it (a role change, a restriction) record who did it and from where."""

from __future__ import annotations

from familycontext.governance.audit import current_request


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
