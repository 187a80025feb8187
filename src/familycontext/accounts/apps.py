from django.apps import AppConfig


def _begin_session(sender, request, user, **kwargs) -> None:
    """Every sign-in (local, single sign-on, a test's force_login) becomes the one live session."""
    from familycontext.accounts import sessions

    if request is not None and hasattr(request, "session"):
        sessions.begin(request, user)


class AccountsConfig(AppConfig):
    name = "familycontext.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_begin_session, dispatch_uid="familycontext.accounts.begin_session")
