"""The social worker's pages. Every page needs sign-in unless marked public (see ``security.page``)."""

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from familycontext.web.security import page
from familycontext.web.views import auth, conditions, people, search


def _govuk_asset(request, asset: str):
    """GOV.UK Frontend's CSS asks for /assets/...; send it to the static copy."""
    return RedirectView.as_view(url=static(f"govuk/assets/{asset}"))(request)


app_name = "web"
urlpatterns = [
    path("sign-in", page(auth.sign_in, public=True), name="sign-in"),
    path("sign-in/help", page(auth.help_signing_in, public=True), name="help-signing-in"),
    path("sign-out", page(auth.sign_out), name="sign-out"),
    path("", page(search.find_person), name="find-person"),
    path("results", page(search.results), name="results"),
    path("reason", page(people.reason), name="reason"),
    path("person/<str:person_id>", page(people.person), name="person"),
    path("person/<str:person_id>/service/<slug:service>", page(people.service_details),
         name="service-details"),
    path("conditions", page(conditions.conditions), name="conditions"),
    path("assets/<path:asset>", _govuk_asset, name="govuk-asset"),
]
