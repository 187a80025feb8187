from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "familycontext.api"
    label = "api"
    verbose_name = "JSON API"
