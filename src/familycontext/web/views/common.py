"""What every page's template needs, and the error pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from familycontext.accounts.roles import (
    AUDITOR,
    CAN_VIEW_PEOPLE,
    DATA_MANAGER,
    TEAM_MANAGER,
    has_role,
)
from familycontext.governance.reason import current_reason


def render_page(request: HttpRequest, template: str, context: dict[str, Any] | None = None,
                status: int = 200) -> HttpResponse:
    """Render a full page with the user's name, the reason for access and the print time."""
    user = request.user
    signed_in = user.is_authenticated
    base = {
        "signed_in": signed_in,
        "user_display_name": (user.get_full_name() or user.get_username()) if signed_in else "",
        "can_view_people": signed_in and has_role(user, *CAN_VIEW_PEOPLE),
        "is_data_manager": signed_in and has_role(user, DATA_MANAGER),
        "is_auditor": signed_in and has_role(user, AUDITOR),
        "is_team_manager": signed_in and has_role(user, TEAM_MANAGER),
        "reason": current_reason(request) if signed_in else None,
        "now": timezone.now(),
        "current_path": request.path,
        "config": settings.CONFIG,  # read per request, so a test or a reload sees the current one
    }
    return render(request, template, {**base, **(context or {})}, status=status)


ERRORS = {
    403: ("You do not have access to this page",
          "Your account does not have the role this page needs. Ask your manager or the "
          "service administrator if you think you should have access."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    400: ("Sorry, there is a problem with what was sent",
          "The page could not read the request (for example, a form sent in a character set other than "
          "UTF-8). Go back and try again."),
    413: ("Sorry, what was sent is too large", "Go back and send less at once."),
}


def error_page(request: HttpRequest, status: int) -> HttpResponse:
    title, body = ERRORS[status]
    return render_page(request, "web/error.html", {"title": title, "body": body}, status=status)
