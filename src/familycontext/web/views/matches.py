"""Uncertain matches (SPEC 5.6, 6): the review queue, one pair per page, for data managers only.

A pair is shown side by side with the evidence for each field in words. The decision (same
person / different people, with an optional note) is kept as a ReviewDecision, audited, and
obeyed by every later linkage run. It takes effect at once: the pair's people are re-formed
from the live run's stored scores and their pages and search entries rebuilt
(``linkage_view.record_decision``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familycontext.accounts.roles import DATA_MANAGER, role_required
from familycontext.governance.audit import record
from familycontext.governance.models import AuditAction
from familycontext.linkage.models import LinkageRun, ReviewPair
from familycontext.people.linkage_view import (
    DecisionError,
    compare,
    existing_decision,
    pair_reason,
    percent,
    reason_words,
    record_decision,
    records_for,
    review_queue,
    undo_decision,
)
from familycontext.web.forms import FormErrors
from familycontext.web.pagination import paginate
from familycontext.web.views.common import render_page
from familycontext.web.views.loads import set_notice, take_notice

PAIRS_PER_PAGE = 20
NOTE_MAX = 1000
DECISIONS = {"same": True, "different": False}


@require_GET
@role_required(DATA_MANAGER)
def queue(request: HttpRequest) -> HttpResponse:
    page, pagination = paginate(request, review_queue(), PAIRS_PER_PAGE, label="Pages of uncertain matches")
    pairs = list(page.object_list)
    views = records_for(uid for p in pairs for uid in (p.unique_id_l, p.unique_id_r))
    rows = [{"pair": p, "left": views[p.unique_id_l], "right": views[p.unique_id_r],
             "probability": percent(p.match_probability), "reason": reason_words(p.reason)[0]}
            for p in pairs]
    linkage = settings.CONFIG.linkage
    return render_page(request, "web/data/matches.html", {
        "page": page, "rows": rows, "pagination": pagination, "total": page.paginator.count,
        "upper": percent(linkage.upper_threshold), "lower": percent(linkage.lower_threshold),
        "notice": take_notice(request),
    })


def _next_pair(after: ReviewPair) -> ReviewPair | None:
    return review_queue().exclude(pk=after.pk).first()


@require_http_methods(["GET", "POST"])
@role_required(DATA_MANAGER)
def pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    item = ReviewPair.objects.select_related("run").filter(pk=pair_id).first()
    if item is None:
        # Each linkage run replaces the queue, so an old link leads nowhere: say so plainly.
        raise Http404("This pair is no longer in the queue")
    views = records_for([item.unique_id_l, item.unique_id_r])
    left, right = views[item.unique_id_l], views[item.unique_id_r]
    errors = FormErrors()
    decided = existing_decision(item.unique_id_l, item.unique_id_r)
    note = ""
    if request.method == "POST":
        choice = request.POST.get("decision", "")
        note = (request.POST.get("note") or "").strip()
        if decided is not None:
            errors.add("decision", f"This pair was already decided by {decided.decided_by}")
        if choice not in DECISIONS:
            errors.add("decision", "Select whether these records are the same person or different people")
        if len(note) > NOTE_MAX:
            errors.add("note", f"Note must be {NOTE_MAX} characters or fewer")
        if not errors:
            try:
                decision, reformed = record_decision(item, same_person=DECISIONS[choice],
                                           by=request.user.get_username(), note=note)
            except DecisionError as exc:
                errors.add("decision", str(exc))
            else:
                record(request, AuditAction.MATCH_DECIDED, details={
                    "decision": "same person" if decision.same_person else "different people",
                    "records": [item.unique_id_l, item.unique_id_r],
                    "person_ids": [left.person_id, right.person_id],
                    "person_ids_now": [reformed.after.get(item.unique_id_l, left.person_id),
                                       reformed.after.get(item.unique_id_r, right.person_id)],
                    "match_probability": round(item.match_probability, 4), "note": decision.note,
                })
                set_notice(request, f"Decision saved: {left.name} ({left.source_name or left.source_key}) and "
                                    f"{right.name} ({right.source_name or right.source_key}) are "
                                    f"{'the same person' if decision.same_person else 'different people'}. "
                                    + ("Their people have been updated." if reformed.changed else
                                       "No one changed: the people already agreed with it."))
                following = _next_pair(item)
                return redirect("web:match", pair_id=following.pk) if following else redirect("web:matches")
    return render_page(request, "web/data/match.html", {
        "pair": item, "left": left, "right": right, "fields": compare(left, right, item.evidence),
        "probability": percent(item.match_probability), "reason": pair_reason(item),
        "decided": decided, "errors": errors, "note": note, "notice": take_notice(request),
        "remaining": review_queue().count(),
    }, status=400 if errors else 200)


@require_POST
@role_required(DATA_MANAGER)
def undo(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Undo a decision (from the pair's page or a run's page): the pair's people go back as the
    stored scores and the other decisions form them, at once; audited as a match decision undone."""
    pair_id, run_id = request.POST.get("pair", ""), request.POST.get("run", "")
    try:
        decision, reformed = undo_decision(decision_id)
    except DecisionError as exc:
        set_notice(request, str(exc))
    else:
        record(request, AuditAction.MATCH_DECISION_UNDONE, details={
            "decision": "same person" if decision.same_person else "different people",
            "records": [decision.unique_id_l, decision.unique_id_r],
            "decided_by": decision.decided_by, "decided_at": decision.decided_at.isoformat(),
            "person_ids": [reformed.before.get(u, "") for u in (decision.unique_id_l, decision.unique_id_r)],
            "person_ids_now": [reformed.after.get(u, "") for u in (decision.unique_id_l, decision.unique_id_r)],
        })
        set_notice(request, f"Decision undone: the records are no longer decided to be "
                            f"{'the same person' if decision.same_person else 'different people'}. "
                            + ("Their people have been updated." if reformed.changed else
                               "No one changed: the stored scores form the same people without it."))
    if pair_id.isdigit() and ReviewPair.objects.filter(pk=int(pair_id)).exists():
        return redirect("web:match", pair_id=int(pair_id))
    if run_id.isdigit() and LinkageRun.objects.filter(pk=int(run_id)).exists():
        return redirect("web:linkage-run", run_id=int(run_id))
    return redirect("web:matches")
