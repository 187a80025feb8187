"""Linkage for data managers (SPEC 6): each run's figures and model, and why a person's records are linked."""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familycontext.accounts.roles import DATA_MANAGER, role_required
from familycontext.governance.audit import record, record_many
from familycontext.governance.models import AuditAction
from familycontext.linkage.models import LinkageRun, PolicyOverride, ReviewDecision
from familycontext.linkage.policy import BAND, SWITCHABLE
from familycontext.linkage.runs import reap_abandoned, running_run, start_in_background
from familycontext.people.linkage_view import (
    linkage_by_source,
    model_comparisons,
    percent,
    reason_words,
    why_linked,
)
from familycontext.people.models import Person
from familycontext.people.search import find_by_identifier, search_people
from familycontext.sources.loader import reap_abandoned_loads
from familycontext.sources.models import Snapshot
from familycontext.sources.snapshots import waiting_snapshots
from familycontext.web.forms import NameSearch
from familycontext.web.pagination import paginate
from familycontext.web.quality_report import percent as share
from familycontext.web.views.common import render_page

RUNS_PER_PAGE = 20
# What a data manager may keep on whatever the decisions say: each check the policy may switch
# off, and the link threshold (the band walk).
POLICY_CLASSES = [
    *((rule, f"Keep the {rule.replace('_', ' ')} check on") for rule in SWITCHABLE if rule != "undated_housemates"),
    ("undated_housemates", "Keep leaving an undated record between two people on its own"),
    (BAND, "Keep the link threshold where it is configured"),
]
DECISIONS_SHOWN = 20
NOTICE_KEY = "data_manager_notice"  # a one-off message for the next data manager's page


def publication_state() -> dict:
    """For the data manager's pages: snapshots waiting for linkage and the run in progress, if any."""
    reap_abandoned_loads()
    return {"waiting": waiting_snapshots(), "running": running_run()}


@require_POST
@role_required(DATA_MANAGER)
def start(request: HttpRequest) -> HttpResponse:
    """Run linkage now: publishes the snapshots waiting for linkage with their people (audited)."""
    running = running_run()
    if running is not None:
        request.session[NOTICE_KEY] = f"Linkage run {running.pk} is already running; its result is published when it finishes."
        return redirect("web:linkage-runs")
    waiting = waiting_snapshots()
    pid = start_in_background()
    record(request, AuditAction.DATA_LOADED, details={
        "linkage": "started", "process": pid, "waiting_snapshots": [w.pk for w in waiting]})
    request.session[NOTICE_KEY] = ("Linkage run started. Pages show the new snapshots when it finishes; this page "
                                   "lists it while it runs.")
    return redirect("web:linkage-runs")


def _linkage_by_source() -> list:
    """``linkage_by_source`` cached until the next run or load: it reads every live record (seconds at 1M)."""
    latest = LinkageRun.objects.filter(outcome=LinkageRun.Outcome.FINISHED).values_list("pk", flat=True).first()
    live = ",".join(str(pk) for pk in Snapshot.objects.filter(live=True).order_by("pk").values_list("pk", flat=True))
    key = "familycontext:linkage-by-source:" + hashlib.sha256(f"{latest}|{live}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = linkage_by_source()
        cache.set(key, found, timeout=24 * 3600)
    return found


@require_GET
@role_required(DATA_MANAGER)
def runs(request: HttpRequest) -> HttpResponse:
    state = publication_state()
    reap_abandoned()
    page, pagination = paginate(request, LinkageRun.objects.order_by("-started_at", "-pk"), RUNS_PER_PAGE,
                                label="Pages of linkage runs")
    coverage = [{"source": c, "with_cms": share(c.with_cms / c.records) if c.records else "0%",
                 "with_other": share(c.with_other_source / c.records) if c.records else "0%"}
                for c in _linkage_by_source()] if page.number == 1 else []
    return render_page(request, "web/data/linkage_runs.html", {
        "page": page, "runs": list(page.object_list), "pagination": pagination, "coverage": coverage,
        "percent": percent, **state, "notice": request.session.pop(NOTICE_KEY, None),
    })


@require_GET
@role_required(DATA_MANAGER)
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    from familycontext.web.views.loads import take_notice  # late: loads imports this module

    item = get_object_or_404(LinkageRun, pk=run_id)
    figures = {k: v for k, v in (item.figures or {}).items() if not isinstance(v, dict | list)}
    return render_page(request, "web/data/linkage_run.html", {
        "run": item, "percent": percent, "figures": figures,
        "timings": (item.figures or {}).get("seconds") or {},
        "conflicts": (item.figures or {}).get("conflicting_decisions") or [],
        "policy": (item.figures or {}).get("policy") or {},
        "by_reason": [(reason_words(r)[0], n) for r, n in
                      ((item.figures or {}).get("pairs_for_review_by_reason") or {}).items()],
        "reason_words": reason_words,
        "comparisons": model_comparisons(item.model_parameters),
        "prior": (item.model_parameters or {}).get("probability_two_random_records_match"),
        "model_json": json.dumps(item.model_parameters or {}, indent=2, sort_keys=True),
        # The latest decisions, each with an undo (the live run's page and older runs' alike).
        "decisions": list(ReviewDecision.objects.order_by("-decided_at", "-pk")[:DECISIONS_SHOWN]),
        "notice": take_notice(request),
        "policy_classes": POLICY_CLASSES,
        "kept_on": {o.rule: o for o in PolicyOverride.objects.filter(keep_on=True)},
    })


@require_GET
@role_required(DATA_MANAGER)
def why(request: HttpRequest, person_id: str) -> HttpResponse:
    """Which records were joined into this person, the evidence for each link, and the id's history.

    Shows identity data (names, dates of birth, addresses), so each view is audited as a view
    of the person and appears in "who has viewed this person".
    """
    found = why_linked(person_id)
    person = Person.objects.filter(pk=person_id).first()
    if person is None and not found.known:
        raise Http404("No such person")
    if person is not None:
        record(request, AuditAction.VIEWED_PERSON, person=person, details={"page": "why these records are linked"})
    return render_page(request, "web/data/why_linked.html", {
        "person": person, "person_id": person_id, "why": found,
    })



PEOPLE_SHOWN = 50


@require_http_methods(["GET", "POST"])
@role_required(DATA_MANAGER)
def people(request: HttpRequest) -> HttpResponse:
    """Find a person to see why their records are linked, or to restrict them (data managers).

    A data manager may hold no practitioner role, so cannot use the practitioners' search: this
    one shows only what those two pages need (name, date of birth, person id). Terms come by
    POST, never in the address, and every search is audited like the practitioners'.
    """
    form = None
    found: list = []
    if request.method == "POST":
        text = (request.POST.get("person-id") or "").strip()
        if text:
            record(request, AuditAction.SEARCHED, search_terms={"person_id_or_identifier": text})
            person = Person.objects.filter(pk=text.upper()).first() or find_by_identifier(text)
            found = [person] if person is not None else []
        else:
            form = NameSearch.from_post(request.POST, today=timezone.localdate())
            if not form.errors:
                record(request, AuditAction.SEARCHED, search_terms=form.terms)
                dob = form.date_of_birth
                found = list(search_people(form.first_name, form.last_name, dob)[:PEOPLE_SHOWN])
        record_many(request, AuditAction.SHOWN_IN_RESULTS, found)
    return render_page(request, "web/data/people.html", {
        "form": form, "errors": form.errors if form else None, "found": found,
        "searched": request.method == "POST", "shown": PEOPLE_SHOWN,
    }, status=400 if form is not None and form.errors else 200)


@require_POST
@role_required(DATA_MANAGER)
def policy(request: HttpRequest) -> HttpResponse:
    """Override the learnt policy (from a run's page): the classes ticked are kept on whatever
    the decisions say; those unticked are given back to the decisions. Stored, audited, obeyed
    by the next run."""
    from familycontext.web.views.loads import set_notice  # late: loads imports this module

    known = dict(POLICY_CLASSES)
    wanted = {r for r in request.POST.getlist("keep") if r in known}
    before = set(PolicyOverride.objects.filter(keep_on=True).values_list("rule", flat=True))
    run_id = request.POST.get("run", "")
    if wanted != before:
        with transaction.atomic():
            PolicyOverride.objects.exclude(rule__in=wanted).delete()
            for rule in sorted(wanted - before):
                PolicyOverride.objects.update_or_create(rule=rule, defaults={
                    "keep_on": True, "set_by": request.user.get_username()[:150], "set_at": timezone.now()})
            record(request, AuditAction.LINKAGE_POLICY_CHANGED, details={
                "kept_on": sorted(wanted), "before": sorted(before),
                "added": sorted(wanted - before), "given_back_to_the_decisions": sorted(before - wanted)})
        set_notice(request, "Linkage policy saved. The next linkage run obeys it.")
    else:
        set_notice(request, "Nothing changed in the linkage policy.")
    if run_id.isdigit() and LinkageRun.objects.filter(pk=int(run_id)).exists():
        return redirect("web:linkage-run", run_id=int(run_id))
    return redirect("web:linkage-runs")
