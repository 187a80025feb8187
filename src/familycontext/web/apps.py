from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "familycontext.web"
    label = "web"

    def ready(self) -> None:
        from familycontext.web import account_audit

        account_audit.connect()  # user, role and session events to the audit trail
