from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "familycontext.accounts"
    label = "accounts"
