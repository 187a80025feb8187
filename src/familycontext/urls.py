from django.urls import include, path

urlpatterns = [
    path("", include("familycontext.web.urls")),
]
