"""Break-glass access to a restricted person, and data managers' restrictions (SPEC 8)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from familycontext.accounts.roles import CAN_VIEW_PEOPLE, DATA_MANAGER, role_required
from familycontext.governance import break_glass, restrictions
from familycontext.governance.models import Restriction
from familycontext.people.models import Person
from familycontext.web.forms import FormErrors
from familycontext.web.views.common import render_page
from familycontext.web.views.people import reason_required


@require_http_methods(["GET", "POST"])
@role_required(*CAN_VIEW_PEOPLE)
@reason_required
def break_glass_view(request: HttpRequest, person_id: str) -> HttpResponse:
    subject = get_object_or_404(Person, pk=person_id)
    if not restrictions.is_restricted(subject) or break_glass.granted(request, subject.id):
        return redirect("web:person", person_id=subject.id)
    errors = FormErrors()
    justification = ""
    if request.method == "POST":
        justification = (request.POST.get("justification") or "").strip()
        problem = break_glass.problem_with(justification)
        if problem:
            errors.add("justification", problem)
        else:
            break_glass.grant(request, subject, justification)
            return redirect("web:person", person_id=subject.id)
    return render_page(request, "web/break_glass.html", {
        "person": subject, "errors": errors, "justification": justification,
        "min_length": break_glass.min_length(),
    }, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@role_required(DATA_MANAGER)
def restriction(request: HttpRequest, person_id: str) -> HttpResponse:
    """A data manager restricts a person, or lifts their own kind of restriction; audited."""
    subject = get_object_or_404(Person, pk=person_id)
    errors = FormErrors()
    choice = reason = ""
    if request.method == "POST":
        choice = request.POST.get("restricted") or ""
        reason = (request.POST.get("reason") or "").strip()
        if choice not in ("yes", "no"):
            errors.add("restricted", "Select whether this person should be restricted")
        if len(reason) < restrictions.MIN_REASON_LENGTH:
            errors.add("reason", f"Enter a reason of at least {restrictions.MIN_REASON_LENGTH} characters")
        elif len(reason) > 2000:
            errors.add("reason", "Reason must be 2,000 characters or fewer")
        if not errors:
            restrictions.change(subject, restricted=choice == "yes", reason=reason, user=request.user)
            return redirect(f"{reverse('web:restrictions')}?saved={subject.id}")
    return render_page(request, "web/restriction.html", {
        "person": subject, "from_cms": subject.restricted, "latest": restrictions.latest(subject.id),
        "errors": errors, "choice": choice, "reason": reason,
    }, status=400 if errors else 200)


@require_http_methods(["GET"])
@role_required(DATA_MANAGER)
def restriction_list(request: HttpRequest) -> HttpResponse:
    """People restricted by data managers, and a way to find one by ID."""
    errors = FormErrors()
    person_id = (request.GET.get("person") or "").strip()[:20]
    if "person" in request.GET:
        if not person_id:
            errors.add("person", "Enter the person ID")
        elif not Person.objects.filter(pk=person_id).exists():
            errors.add("person", "No person has this ID")
        else:
            return redirect("web:restriction", person_id=person_id)
    newest: dict[str, Restriction] = {}
    for row in Restriction.objects.order_by("person_id", "-at", "-id"):
        newest.setdefault(row.person_id, row)
    current = sorted((r for r in newest.values() if r.restricted), key=lambda r: r.at, reverse=True)
    return render_page(request, "web/restrictions.html", {
        "current": current, "errors": errors, "person_id": person_id, "saved": request.GET.get("saved"),
    }, status=400 if errors else 200)
