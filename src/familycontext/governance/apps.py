from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "familycontext.governance"
    label = "governance"

    def ready(self) -> None:
        from familycontext.governance import signals

        signals.connect()
