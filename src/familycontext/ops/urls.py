"""Operational URLs, public and outside the web pages' sign-in (see ``health``)."""

from django.urls import path

from familycontext.ops import health

app_name = "ops"
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
