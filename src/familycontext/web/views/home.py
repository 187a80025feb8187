"""Where a user lands after signing in: the first page their roles open (SPEC 1).

Practitioners and team managers search for people; auditors read the audit trail; data
managers see data loads. An account with no such role is told so rather than shown a 403.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from familycontext.accounts.roles import (
    AUDITOR,
    CAN_VIEW_PEOPLE,
    DATA_MANAGER,
    TEAM_MANAGER,
    has_role,
)
from familycontext.web.views.common import render_page

LANDING = (
    (CAN_VIEW_PEOPLE, "web:find-person"),
    ((AUDITOR, TEAM_MANAGER), "web:audit"),
    ((DATA_MANAGER,), "web:data-loads"),
)


def home(request: HttpRequest) -> HttpResponse:
    for roles, page in LANDING:
        if has_role(request.user, *roles):
            return redirect(page)
    return render_page(request, "web/no_role.html", {}, status=403)
