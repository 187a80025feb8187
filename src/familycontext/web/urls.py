"""The social worker's pages. Every page needs sign-in unless marked public (see ``security.page``)."""

import re

from django.http import Http404, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import path

from familycontext.web.security import page
from familycontext.web.views import (
    audit,
    auth,
    break_glass,
    conditions,
    ecomap,
    home,
    loads,
    matches,
    people,
    search,
)
from familycontext.web.views import linkage as linkage_views

_ASSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")


def _govuk_asset(request, asset: str):
    """GOV.UK Frontend's CSS asks for /assets/...; send it to the static copy (no such name: 404)."""
    if not _ASSET_NAME.fullmatch(asset):
        raise Http404("No such asset")
    return HttpResponseRedirect(static(f"govuk/assets/{asset}"))


app_name = "web"
urlpatterns = [
    path("sign-in", page(auth.sign_in, public=True), name="sign-in"),
    path("sign-in/help", page(auth.help_signing_in, public=True), name="help-signing-in"),
    path("sign-in/code", page(auth.sign_in_code, public=True), name="sign-in-code"),
    path("sign-in/authenticator", page(auth.sign_in_authenticator, public=True),
         name="sign-in-authenticator"),
    path("sign-in/sso", page(auth.sso_start, public=True), name="sso-start"),
    path("sign-in/sso/callback", page(auth.sso_callback, public=True), name="sso-callback"),
    path("account/authenticator", page(auth.account_authenticator), name="account-authenticator"),
    path("sign-out", page(auth.sign_out), name="sign-out"),
    path("", page(search.find_person), name="find-person"),
    path("home", page(home.home), name="home"),
    path("results", page(search.results), name="results"),
    path("reason", page(people.reason), name="reason"),
    path("person/<str:person_id>", page(people.person), name="person"),
    path("person/<str:person_id>/service/<slug:service>", page(people.service_details),
         name="service-details"),
    path("person/<str:person_id>/ecomap", page(ecomap.ecomap), name="ecomap"),
    path("person/<str:person_id>/print", page(ecomap.print_person), name="print-person"),
    path("conditions", page(conditions.conditions), name="conditions"),
    # The data manager's pages (SPEC 5.6): loads and quality, uncertain matches, linkage.
    path("data/loads", page(loads.loads), name="data-loads"),
    path("data/loads/<int:load_id>", page(loads.load), name="data-load"),
    path("data/loads/<int:load_id>/accept", page(loads.accept), name="data-load-accept"),
    path("data/loads/<int:load_id>/reject", page(loads.reject), name="data-load-reject"),
    path("data/loads/<int:load_id>/quarantine", page(loads.quarantine), name="data-quarantine"),
    path("data/loads/<int:load_id>/quarantine.csv", page(loads.quarantine_csv), name="data-quarantine-csv"),
    path("data/matches", page(matches.queue), name="matches"),
    path("data/matches/<int:pair_id>", page(matches.pair), name="match"),
    path("data/decisions/<int:decision_id>/undo", page(matches.undo), name="undo-decision"),
    path("data/linkage-runs", page(linkage_views.runs), name="linkage-runs"),
    path("data/linkage-runs/start", page(linkage_views.start), name="linkage-start"),
    path("data/linkage-runs/<int:run_id>", page(linkage_views.run), name="linkage-run"),
    path("data/linkage-policy", page(linkage_views.policy), name="linkage-policy"),
    path("data/people", page(linkage_views.people), name="data-people"),
    path("data/people/<str:person_id>/why-linked", page(linkage_views.why), name="why-linked"),
    # Information governance (SPEC 8): break-glass, restrictions, audit screens, alerts.
    path("person/<str:person_id>/break-glass", page(break_glass.break_glass_view), name="break-glass"),
    path("person/<str:person_id>/restriction", page(break_glass.restriction), name="restriction"),
    path("data/restrictions", page(break_glass.restriction_list), name="restrictions"),
    path("audit", page(audit.trail), name="audit"),
    path("audit/export.csv", page(audit.export), name="audit-export"),
    path("audit/who-viewed", page(audit.who_viewed), name="audit-who-viewed"),
    path("audit/alerts", page(audit.alerts), name="audit-alerts"),
    path("audit/alerts/<int:alert_id>/reviewed", page(audit.alert_reviewed), name="audit-alert-reviewed"),
    path("assets/<path:asset>", _govuk_asset, name="govuk-asset"),
]
