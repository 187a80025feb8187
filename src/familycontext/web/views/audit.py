"""Audit screens (SPEC 5.6, 8): the trail for team managers (their team) and auditors (everyone),
its CSV export, "who has viewed this person" for subject access requests, and alerts."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from familycontext.accounts.roles import AUDITOR, TEAM_MANAGER, has_role, role_required
from familycontext.governance import alerts as alert_rules
from familycontext.governance.audit import record
from familycontext.governance.models import Alert, AuditAction
from familycontext.governance.trail import ACTION_CHOICES, TrailFilter, to_csv, visible_entries
from familycontext.web.forms import FormErrors, parse_date
from familycontext.web.pagination import pagination
from familycontext.web.views.common import render_page

PAGE_SIZE = 50
LABEL = "Pages of audit entries"


def _filter_from(request: HttpRequest, *, person_views_only: bool = False) -> tuple[TrailFilter, FormErrors, dict]:
    errors = FormErrors()
    data = request.GET
    today = timezone.localdate()
    user = (data.get("user") or "").strip()[:150]
    person = (data.get("person") or "").strip()[:20]
    action = (data.get("action") or "").strip()
    if action and action not in dict(ACTION_CHOICES):
        errors.add("action", "Select an action from the list")
        action = ""
    date_from, raw_from, parts_from = parse_date(data, "from", "Date from", errors, today=today)
    date_to, raw_to, parts_to = parse_date(data, "to", "Date to", errors)
    if date_from and date_to and date_to < date_from:
        errors.add("to-day", "Date to must be the same as or after date from")
    trail_filter = TrailFilter(user=user, person=person, action=action, date_from=date_from,
                               date_to=date_to, person_views_only=person_views_only)
    items = {prefix: [{"name": part, "value": raw[part],
                       "classes": f"govuk-input--width-{width}" + (" govuk-input--error" if part in parts else "")}
                      for part, width in (("day", 2), ("month", 2), ("year", 4))]
             for prefix, raw, parts in (("from", raw_from, parts_from), ("to", raw_to, parts_to))}
    return trail_filter, errors, items


def _entries_for(request: HttpRequest, trail_filter: TrailFilter):
    return trail_filter.apply(visible_entries(
        request.user, auditor=has_role(request.user, AUDITOR), team_manager=has_role(request.user, TEAM_MANAGER)))


@require_GET
@role_required(TEAM_MANAGER, AUDITOR)
def trail(request: HttpRequest) -> HttpResponse:
    trail_filter, errors, date_items = _filter_from(request)
    if request.GET.get("page") in (None, "1"):  # recorded first, so the list it shows includes it
        record(request, AuditAction.AUDIT_VIEWED, search_terms=trail_filter.as_terms() or None)
    entries = _entries_for(request, trail_filter if not errors else TrailFilter())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    params = trail_filter.query_string()
    return render_page(request, "web/audit/trail.html", {
        "filter": trail_filter, "errors": errors, "date_items": date_items, "page": page,
        "pagination": pagination(page, reverse("web:audit"), params, label=LABEL),
        "export_href": f"{reverse('web:audit-export')}?{urlencode(params)}",
        "action_items": [{"value": "", "text": "Any action", "selected": not trail_filter.action}]
        + [{"value": v, "text": label, "selected": trail_filter.action == v} for v, label in ACTION_CHOICES],
        "everyone": has_role(request.user, AUDITOR),
    }, status=400 if errors else 200)


@require_GET
@role_required(TEAM_MANAGER, AUDITOR)
def export(request: HttpRequest) -> HttpResponse:
    """The filtered trail as CSV; the export itself is recorded."""
    trail_filter, errors, _ = _filter_from(request, person_views_only=request.GET.get("views") == "1")
    if errors:
        return redirect(f"{reverse('web:audit')}?{request.GET.urlencode()}")
    entries = list(_entries_for(request, trail_filter))
    record(request, AuditAction.AUDIT_EXPORTED, search_terms=trail_filter.as_terms() or None,
           details={"rows": len(entries)})
    response = HttpResponse(to_csv(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(TEAM_MANAGER, AUDITOR)
def who_viewed(request: HttpRequest) -> HttpResponse:
    """Everyone who has seen a person, for a subject access request.

    An auditor sees every view; a team manager, like on the trail, the views by their teams'
    members (the trail's own scoping, ``visible_entries``), and the page says so.
    """
    errors = FormErrors()
    person = (request.GET.get("person") or "").strip()[:20]
    entries = page = None
    if "person" in request.GET and not person:
        errors.add("person", "Enter the person ID")
    if person:
        if request.GET.get("page") in (None, "1"):
            record(request, AuditAction.AUDIT_VIEWED, search_terms={"who_viewed": person})
        trail_filter = TrailFilter(person=person, person_views_only=True)
        entries = _entries_for(request, trail_filter)
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "web/audit/who_viewed.html", {
        "person": person, "errors": errors, "page": page,
        "pagination": pagination(page, reverse("web:audit-who-viewed"), {"person": person}, label=LABEL) if page else None,
        "export_href": f"{reverse('web:audit-export')}?{urlencode({'person': person, 'views': '1'})}",
        "everyone": has_role(request.user, AUDITOR),
    }, status=400 if errors else 200)


@require_GET
@role_required(AUDITOR)
def alerts(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "new")
    items = Alert.objects.all()
    if show != "all":
        items = items.filter(reviewed_at__isnull=True)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "web/audit/alerts.html", {
        "page": page, "show": show, "kinds": dict(Alert.Kind.choices),
        "pagination": pagination(page, reverse("web:audit-alerts"), {"show": show}, label=LABEL),
    })


@require_POST
@role_required(AUDITOR)
def alert_reviewed(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=alert_id)
    if alert.reviewed_at is None:
        alert_rules.mark_reviewed(alert, request.user.get_username())
    return redirect("web:audit-alerts")
