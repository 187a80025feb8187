from django.urls import include, path

urlpatterns = [
    path("api/", include("familycontext.api.urls")),
    path("", include("familycontext.ops.urls")),  # /healthz, /readyz: public, no personal data
    path("", include("familycontext.web.urls")),
]
