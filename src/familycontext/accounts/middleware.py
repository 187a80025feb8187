"""Session policy on every request (see ``accounts.sessions``)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect

from familycontext.accounts import sessions


class SessionPolicyMiddleware:
    """Ends a session that is idle too long, too old, or replaced by a newer sign-in, and sends
    its user to the sign-in page with the reason; otherwise records the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            why = sessions.why_it_ended(request)
            if why:
                sessions.end(request, why)
                if request.path.startswith("/api/"):
                    # An API client gets the endpoint's own 401 answer, not an HTML page to follow.
                    return self.get_response(request)
                return redirect(f"{settings.LOGIN_URL}?ended={why}")
            sessions.touch(request)
        return self.get_response(request)
