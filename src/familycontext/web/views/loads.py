"""Data loads and quality (SPEC 5.6, 3, 3.1): for data managers only.

Every load with its outcome; a load's data-quality report in words; accepting or rejecting a
load held because its record count dropped (audited as a data-load decision); the rows a load
quarantined, on the page and as a CSV download (audited; formula cells neutralised).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods

from familycontext.accounts.roles import DATA_MANAGER, role_required
from familycontext.governance.audit import record
from familycontext.governance.models import AuditAction
from familycontext.sources.errors import BundleError
from familycontext.sources.loader import accept_held_load, reject_held_load
from familycontext.sources.models import Load
from familycontext.sources.quarantine import (
    quarantine_csv_bytes,
    quarantine_rows,
    quarantine_summary,
)
from familycontext.sources.services import SERVICE_LABELS
from familycontext.web import quality_report
from familycontext.web.forms import FormErrors
from familycontext.web.pagination import paginate
from familycontext.web.views.common import render_page
from familycontext.web.views.linkage import NOTICE_KEY, publication_state

LOADS_PER_PAGE = 25
QUARANTINE_PER_PAGE = 50

OUTCOME_TAGS = {
    Load.Outcome.LOADED: "govuk-tag--green",
    Load.Outcome.UNCHANGED: "govuk-tag--grey",
    Load.Outcome.HELD: "govuk-tag--yellow",
    Load.Outcome.REJECTED: "govuk-tag--orange",
    Load.Outcome.REFUSED: "govuk-tag--red",
    Load.Outcome.FAILED: "govuk-tag--red",
    Load.Outcome.RUNNING: "govuk-tag--blue",
    Load.Outcome.ABANDONED: "govuk-tag--red",
}
OUTCOME_SHORT = {
    Load.Outcome.LOADED: "Loaded",
    Load.Outcome.ABANDONED: "Abandoned",
    Load.Outcome.UNCHANGED: "Unchanged",
    Load.Outcome.HELD: "Held",
    Load.Outcome.REJECTED: "Rejected",
    Load.Outcome.REFUSED: "Refused",
    Load.Outcome.FAILED: "Failed",
    Load.Outcome.RUNNING: "Running",
}


def set_notice(request: HttpRequest, text: str) -> None:
    """A one-off success message for the next page (no messages framework in this project)."""
    request.session[NOTICE_KEY] = text


def take_notice(request: HttpRequest) -> str | None:
    return request.session.pop(NOTICE_KEY, None)


def current_as_of(load: Load) -> date | datetime | None:
    """The extract's 'date current as of': from its report (every parsed load), else its snapshot."""
    text = (load.quality_report or {}).get("date_current_as_of")
    if text:
        try:
            value = datetime.fromisoformat(str(text))
        except ValueError:
            value = None
        if value is not None:
            return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    return load.snapshot.date_current_as_of if load.snapshot_id else None


def _short(load: Load) -> tuple[str, str]:
    """The tag on a load: a loaded one says whether its snapshot is live, waiting for linkage or replaced."""
    if load.outcome == Load.Outcome.LOADED and load.snapshot_id:
        if load.snapshot.live:
            return "Live", "govuk-tag--green"
        if load.snapshot.waiting:
            return "Waiting for linkage", "govuk-tag--yellow"
        return "Replaced", "govuk-tag--grey"
    return OUTCOME_SHORT.get(load.outcome, load.outcome), OUTCOME_TAGS.get(load.outcome, "")


def _summary(load: Load) -> dict:
    short, tag = _short(load)
    return {"load": load, "tag": tag, "short": short,
            "current_as_of": current_as_of(load),
            "service_label": SERVICE_LABELS.get(load.source.service if load.source_id else
                                                (load.quality_report or {}).get("service", ""), ""),
            "source_name": load.source.name if load.source_id else (load.quality_report or {}).get("source_name", "")}


@require_GET
@role_required(DATA_MANAGER)
def loads(request: HttpRequest) -> HttpResponse:
    state = publication_state()  # before the page, so abandoned loads show as such
    page, pagination = paginate(request, Load.objects.select_related("source", "snapshot").order_by("-started_at", "-pk"),
                                LOADS_PER_PAGE, label="Pages of loads")
    return render_page(request, "web/data/loads.html", {
        **state, "page": page, "rows": [_summary(load) for load in page.object_list], "pagination": pagination,
        "held": Load.objects.filter(outcome=Load.Outcome.HELD).count(), "notice": take_notice(request),
    })


def _load_or_404(load_id: int) -> Load:
    return get_object_or_404(Load.objects.select_related("source", "snapshot"), pk=load_id)


@require_GET
@role_required(DATA_MANAGER)
def load(request: HttpRequest, load_id: int) -> HttpResponse:
    item = _load_or_404(load_id)
    report = item.quality_report or {}
    max_drop = settings.CONFIG.loading.max_record_drop_share
    return render_page(request, "web/data/load.html", {
        **_summary(item),
        "report": report,
        "load_rows": quality_report.load_rows(report),
        "sections": quality_report.sections(report),
        "drop_warning": quality_report.drop_warning(report, max_drop),
        "held": item.outcome == Load.Outcome.HELD,
        "quarantined": item.quarantined_rows.count(),
        "notice": take_notice(request), **publication_state(),
    })


def _decide(request: HttpRequest, load_id: int, *, accept: bool) -> HttpResponse:
    """The confirmation page (GET) and the decision itself (POST) for a held load."""
    item = _load_or_404(load_id)
    errors = FormErrors()
    if item.outcome != Load.Outcome.HELD:
        errors.add("confirm", f"This load is not held any more: it is {item.get_outcome_display().lower()}")
    elif request.method == "POST":
        try:
            if accept:
                accept_held_load(item)
            else:
                reject_held_load(item, by=request.user.get_username())
        except BundleError as exc:
            errors.add("confirm", str(exc))
        else:
            decision = "accepted" if accept else "rejected"
            record(request, AuditAction.DATA_LOADED, details={
                "decision": decision, "load": item.pk, "source": item.source.key if item.source_id else "",
                "bundle": item.bundle, "records": (item.quality_report or {}).get("records"),
            })
            set_notice(request, "Load accepted: its snapshot is waiting for linkage. Pages show it when the next "
                                "linkage run publishes it." if accept else
                                "Load rejected: its records were discarded and the live snapshot is unchanged.")
            return redirect("web:data-load", load_id=item.pk)
    return render_page(request, "web/data/decide_load.html", {
        **_summary(item), "accept": accept, "errors": errors,
        "drop_warning": quality_report.drop_warning(item.quality_report or {},
                                                    settings.CONFIG.loading.max_record_drop_share),
    }, status=400 if errors and request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@role_required(DATA_MANAGER)
def accept(request: HttpRequest, load_id: int) -> HttpResponse:
    return _decide(request, load_id, accept=True)


@require_http_methods(["GET", "POST"])
@role_required(DATA_MANAGER)
def reject(request: HttpRequest, load_id: int) -> HttpResponse:
    return _decide(request, load_id, accept=False)


@require_GET
@role_required(DATA_MANAGER)
def quarantine(request: HttpRequest, load_id: int) -> HttpResponse:
    item = _load_or_404(load_id)
    page, pagination = paginate(request, quarantine_rows(item), QUARANTINE_PER_PAGE, label="Pages of rejected rows")
    return render_page(request, "web/data/quarantine.html", {
        **_summary(item), "page": page, "pagination": pagination, "by_column": quarantine_summary(item),
    })


@require_GET
@role_required(DATA_MANAGER)
def quarantine_csv(request: HttpRequest, load_id: int) -> HttpResponse:
    """The quarantine as a spreadsheet-safe CSV attachment; never cached (it holds source rows)."""
    item = _load_or_404(load_id)
    body = quarantine_csv_bytes(item)
    record(request, AuditAction.DATA_LOADED, details={
        "export": "quarantined rows", "load": item.pk, "source": item.source.key if item.source_id else "",
        "rows": item.quarantined_rows.count(),
    })
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quarantine-load-{item.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response
