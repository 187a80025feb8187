"""Sign in (local account, with an optional authenticator code, or single sign-on), help, sign out
(SPEC 5.1, 8). The rules live in ``accounts``; these views only move the user through the steps."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familycontext.accounts import lockout, second_factor, sessions, sso
from familycontext.governance import sign_in_throttle
from familycontext.governance.audit import client_address, record
from familycontext.governance.models import AuditAction
from familycontext.web.forms import FormErrors
from familycontext.web.views.common import render_page

log = logging.getLogger(__name__)

PENDING = "pending_sign_in"  # a password checked, waiting for the authenticator step
PENDING_SECONDS = 300
SSO_NEXT = "sso_next"
LOCAL_BACKEND = "familycontext.accounts.backends.UserBackend"


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """Where to go after a step, only ever a path on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def _local_enabled() -> bool:
    return settings.CONFIG.local_accounts.enabled


def _complete_sign_in(request: HttpRequest, user, method: str, next_url: str) -> HttpResponse:
    """Sign in (which ends any other session of the user) and record it."""
    request.session.pop(PENDING, None)
    login(request, user, backend=LOCAL_BACKEND)
    record(request, AuditAction.SIGNED_IN, details={"method": method})
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


def _sign_in_page(request: HttpRequest, errors: FormErrors, username: str = "",
                  status: int = 200) -> HttpResponse:
    ended = request.GET.get("ended") or ""
    return render_page(request, "web/sign_in.html", {
        "errors": errors, "username": username, "next": safe_next(request, ""),
        "ended_kind": ended, "ended_message": sessions.ended_message(ended),
        "local_enabled": _local_enabled(), "sso_enabled": sso.enabled(),
        "sso_button_text": settings.CONFIG.sso.button_text,
    }, status=status)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    errors = FormErrors()
    username = ""
    if request.method == "POST":
        if not _local_enabled():
            errors.add("sso-button", "Sign in with your council account")
            return _sign_in_page(request, errors)
        username = (request.POST.get("username") or "").strip()[:150]
        password = request.POST.get("password") or ""
        if not username:
            errors.add("username", "Enter your username")
        if not password:
            errors.add("password", "Enter your password")
        if not errors and (wait := sign_in_throttle.retry_after(client_address(request))) is not None:
            record(request, AuditAction.SIGN_IN_FAILED, username=username,
                   details={"method": "password", "throttled": True})
            errors.add("username", sign_in_throttle.message(wait))
            response = _sign_in_page(request, errors, username, status=429)
            response["Retry-After"] = str(wait)
            return response
        if not errors:
            user = authenticate(request, username=username, password=password)
            if user is None:
                sign_in_throttle.failed(client_address(request))
                locked = lockout.locked_out(request)
                record(request, AuditAction.SIGN_IN_FAILED, username=username,
                       details={"method": "password", "locked_out": locked})
                if locked:
                    minutes = settings.CONFIG.local_accounts.lockout_minutes
                    errors.add("username", "This account is locked because of too many failed "
                                           f"sign-in attempts. Try again in {minutes} minutes, or "
                                           "ask the IT service desk to unlock it")
                else:
                    errors.add("username", "Enter a correct username and password")
            elif second_factor.needs_code(user) or second_factor.must_set_up(user):
                request.session[PENDING] = {"user_id": user.pk, "at": time.time(),
                                            "next": safe_next(request, "")}
                step = "sign-in-code" if second_factor.needs_code(user) else "sign-in-authenticator"
                return redirect(reverse(f"web:{step}"))
            else:
                return _complete_sign_in(request, user, "password",
                                         safe_next(request, settings.LOGIN_REDIRECT_URL))
    return _sign_in_page(request, errors, username)


def _pending_user(request: HttpRequest):
    """The user whose password was checked moments ago in this browser, or None."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Second step for accounts with an authenticator app."""
    user = _pending_user(request)
    if user is None or second_factor.confirmed_device(user) is None:
        return redirect(reverse("web:sign-in"))
    errors = FormErrors()
    if request.method == "POST":
        code = second_factor.clean_code(request.POST.get("code", ""))
        if len(code) != 6:
            errors.add("code", "Enter the 6-digit code from your authenticator app")
        elif second_factor.verify(user, code):
            return _complete_sign_in(request, user, "password and authenticator code",
                                     request.session[PENDING].get("next") or settings.LOGIN_REDIRECT_URL)
        else:
            record(request, AuditAction.SIGN_IN_FAILED, username=user.get_username(),
                   details={"method": "authenticator code"})
            errors.add("code", "The code is not correct or has already been used. Wait for the "
                               "next code and enter it")
    return render_page(request, "web/sign_in_code.html", {"errors": errors})


def _authenticator_page(request: HttpRequest, user, action: str, signed_in: bool) -> HttpResponse:
    device = second_factor.pending_device(user)
    errors = FormErrors()
    if request.method == "POST":
        code = second_factor.clean_code(request.POST.get("code", ""))
        if len(code) != 6:
            errors.add("code", "Enter the 6-digit code from your authenticator app")
        elif second_factor.confirm(user, device, code):
            if signed_in:
                return redirect(reverse("web:account-authenticator") + "?done=1")
            return _complete_sign_in(request, user, "password and new authenticator",
                                     request.session[PENDING].get("next") or settings.LOGIN_REDIRECT_URL)
        else:
            errors.add("code", "The code is not correct. Check the app shows Family Context "
                               "and enter the code it shows now")
    response = render_page(request, "web/authenticator.html", {
        "errors": errors, "qr_svg": second_factor.qr_svg(device),
        "secret": second_factor.secret_text(device), "action": action,
        "has_device": second_factor.confirmed_device(user) is not None,
        "done": request.GET.get("done") == "1", "required": second_factor.must_set_up(user),
    })
    response["Cache-Control"] = "no-store"  # the page shows the secret
    return response


@require_http_methods(["GET", "POST"])
def sign_in_authenticator(request: HttpRequest) -> HttpResponse:
    """Setting up an authenticator before the first sign-in, where the council requires one."""
    user = _pending_user(request)
    if user is None or not second_factor.must_set_up(user):
        return redirect(reverse("web:sign-in"))
    return _authenticator_page(request, user, reverse("web:sign-in-authenticator"), signed_in=False)


@require_http_methods(["GET", "POST"])
def account_authenticator(request: HttpRequest) -> HttpResponse:
    """A signed-in local user sets up (or replaces) their authenticator app."""
    if second_factor.policy() == "off" or not request.user.has_usable_password():
        raise Http404("Second factor not in use")
    return _authenticator_page(request, request.user, reverse("web:account-authenticator"),
                               signed_in=True)


@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the council's sign-in service."""
    if not sso.enabled():
        raise Http404("Single sign-on is not set up")
    request.session[SSO_NEXT] = safe_next(request, "")
    try:
        return sso.client().authorize_redirect(request, request.build_absolute_uri(reverse("web:sso-callback")))
    except Exception:  # provider unreachable or its discovery document broken
        log.exception("single sign-on: could not reach the provider")
        errors = FormErrors()
        errors.add("sso-button", "The council's sign-in service is not available. Try again later, "
                                 "or contact the IT service desk")
        return _sign_in_page(request, errors)


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code; exchange it, check it, sign in."""
    if not sso.enabled():
        raise Http404("Single sign-on is not set up")
    errors = FormErrors()
    username = ""
    try:
        token = sso.client().authorize_access_token(request)
        identity = sso.identity_from_claims(sso.claims_from_token(token))
        username = identity.username
        user = sso.user_for(identity)
    except sso.SignOnRefused as refused:
        errors.add("sso-button", str(refused))
    except Exception:  # bad state, code or token, provider error: never a stack trace
        log.warning("single sign-on: the provider's answer was refused", exc_info=True)
        errors.add("sso-button", "Signing in with your council account did not work. Try again, "
                                 "or contact the IT service desk")
    else:
        return _complete_sign_in(request, user, "single sign-on",
                                 request.session.pop(SSO_NEXT, "") or settings.LOGIN_REDIRECT_URL)
    record(request, AuditAction.SIGN_IN_FAILED, username=username,
           details={"method": "single sign-on", "problem": errors.messages["sso-button"]})
    return _sign_in_page(request, errors)


def help_signing_in(request: HttpRequest) -> HttpResponse:
    return render_page(request, "web/help_signing_in.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out: ends the user's session everywhere (there is only ever one)."""
    if request.user.is_authenticated:
        record(request, AuditAction.SIGNED_OUT, details={"why": "signed out"})
        sessions.forget(request.user)
    logout(request)
    return redirect(f"{settings.LOGIN_URL}?ended=signed-out")
