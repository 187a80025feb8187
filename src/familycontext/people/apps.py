from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "familycontext.people"
    label = "people"
    verbose_name = "People (read model)"
