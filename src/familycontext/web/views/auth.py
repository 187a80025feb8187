"""Sign in, help signing in, sign out (SPEC 5.1)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from familycontext.governance.audit import record
from familycontext.governance.models import AuditAction
from familycontext.web.forms import FormErrors
from familycontext.web.views.common import render_page


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """Where to go after a step, only ever a path on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and target.startswith("/") and not target.startswith("//"):
        return target
    return default


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    errors = FormErrors()
    username = ""
    if request.method == "POST":
        username = (request.POST.get("username") or "").strip()
        password = request.POST.get("password") or ""
        if not username:
            errors.add("username", "Enter your username")
        if not password:
            errors.add("password", "Enter your password")
        if not errors:
            user = authenticate(request, username=username, password=password)
            if user is None:
                record(request, AuditAction.SIGN_IN_FAILED, username=username)
                errors.add("username", "Enter a correct username and password")
            else:
                login(request, user)
                record(request, AuditAction.SIGNED_IN)
                return redirect(safe_next(request, settings.LOGIN_REDIRECT_URL))
    ended = request.GET.get("ended")
    return render_page(request, "web/sign_in.html", {
        "errors": errors, "username": username, "next": safe_next(request, ""),
        "ended": ended in ("absolute", "signed-out"), "ended_kind": ended,
    }, status=200)


def help_signing_in(request: HttpRequest) -> HttpResponse:
    return render_page(request, "web/help_signing_in.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(request, AuditAction.SIGNED_OUT)
    logout(request)
    return redirect(f"{settings.LOGIN_URL}?ended=signed-out")
