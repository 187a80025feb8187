"""Per-page security: sign-in required by default, and headers every page carries.

Applied to each URL in ``web/urls.py`` (via ``page``), so a new page cannot forget them:
a URL is public only when it says so.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from familycontext.ops.request_guard import refusal

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def add_security_headers(response: HttpResponse, *, private: bool = False) -> HttpResponse:
    """The headers every response carries; a view may set its own CSP first (e.g. API docs)."""
    response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.setdefault("X-Frame-Options", "DENY")
    response.setdefault("X-Content-Type-Options", "nosniff")
    response.setdefault("Referrer-Policy", "same-origin")
    response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if private:
        # Pages about people must not be kept by the browser or any cache on the way.
        response["Cache-Control"] = "no-store"
    return response


def page(view: Callable, *, public: bool = False) -> Callable:
    """Wrap a view: redirect to sign-in unless ``public``; errors as GOV.UK pages; headers."""
    from familycontext.web.views.common import error_page

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not public and not request.user.is_authenticated:
            response = redirect_to_login(request.get_full_path())
        else:
            try:
                response = view(request, *args, **kwargs)
            except PermissionDenied:
                response = error_page(request, 403)
            except Http404:
                response = error_page(request, 404)
        return add_security_headers(response, private=not public)

    return wrapped


class SecurityHeadersMiddleware:
    """Security headers on every response: pages, errors (including 500s), static files, API.

    Listed before Django's SecurityMiddleware (which adds HSTS on HTTPS) and WhiteNoise, so the
    static files WhiteNoise answers carry them too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return add_security_headers(self.get_response(request))


class RequestGuardMiddleware:
    """Pages: a request ``ops.request_guard`` refuses gets the product's error page (400 or 413).

    After authentication (the page shows the menu of whoever is signed in), before anything reads
    the body. /api/ is left to ``api.problems.RequestGuardMiddleware`` (problem JSON).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            refused = refusal(request)
            if refused is not None:
                # Late: the views import this module.
                from familycontext.web.views.common import error_page

                request._body = b""  # never read what was refused; forms see an empty body
                request._stream = None
                return error_page(request, refused[0])
        return self.get_response(request)
