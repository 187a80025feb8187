"""The Jinja2 environment: GOV.UK Frontend macros (govuk-frontend-jinja) plus Django helpers."""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader


def environment(**options) -> Environment:
    loader = options.pop("loader", None)
    loaders = [loader] if loader else []
    loaders.append(PackageLoader("govuk_frontend_jinja"))
    options.setdefault("autoescape", True)
    env = Environment(loader=ChoiceLoader(loaders), **options)
    env.globals.update({"static": static, "url": reverse, "config": settings.CONFIG})
    return env
