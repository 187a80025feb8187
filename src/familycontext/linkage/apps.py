from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "familycontext.linkage"
    label = "linkage"
