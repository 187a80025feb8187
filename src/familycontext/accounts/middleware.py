"""Session policy: an absolute limit on session length, on top of Django's inactivity expiry."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("signed_in_at")
            limit = settings.CONFIG.sessions.absolute_limit_hours * 3600
            if started is None:
                request.session["signed_in_at"] = time.time()
            elif time.time() - started > limit:
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?ended=absolute")
        return self.get_response(request)
