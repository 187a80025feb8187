from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "familycontext.sources"
    label = "sources"
    verbose_name = "Sources and snapshots"
