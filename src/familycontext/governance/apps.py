from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "familycontext.governance"
    label = "governance"
