from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "familycontext.web"
    label = "web"
