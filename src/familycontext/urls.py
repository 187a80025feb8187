from django.urls import include, path, re_path

from familycontext.api.reference_ui import reference_ui

urlpatterns = [
    path("api/", include("familycontext.api.urls")),
    # The 2021 reference UI, when api.reference_ui_folder names its build (docs/api.md).
    re_path(r"^FamilyContext/(?P<rest>.*)$", reference_ui, name="reference-ui"),
    path("", include("familycontext.ops.urls")),  # /healthz, /readyz: public, no personal data
    path("", include("familycontext.web.urls")),
]
