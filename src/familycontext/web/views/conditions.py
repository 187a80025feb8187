"""The conditions page (SPEC 5.5): what each card includes and excludes, from the live configuration."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from familycontext.involvement.conditions import conditions as describe
from familycontext.web.views.common import render_page


def conditions(request: HttpRequest) -> HttpResponse:
    return render_page(request, "web/conditions.html", {"sections": describe(settings.CONFIG)})
