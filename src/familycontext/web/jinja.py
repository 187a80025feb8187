"""The Jinja2 environment: GOV.UK Frontend macros (govuk-frontend-jinja) plus Django helpers."""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import date, datetime
from threading import Lock
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader


def govuk_date(value: date | datetime | str | None, missing: str = "Not known") -> str:
    """GOV.UK style: '5 January 2010' (also from an ISO date string)."""
    if value is None or value == "":
        return missing
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: datetime | None, missing: str = "Not known") -> str:
    """'5 January 2010 at 2:05pm' in the council's time zone."""
    if value is None:
        return missing
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if (local.hour, local.minute) in ((0, 0), (12, 0)):  # GOV.UK style: midnight, midday
        return f"{govuk_date(local)} at {'midnight' if local.hour == 0 else 'midday'}"
    hour = local.hour % 12 or 12
    return f"{govuk_date(local)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


_IDENTIFIER = re.compile(r"[a-z]+(?:_[a-z]+)+")


def plain(value: Any) -> str:
    """A stored value (an audit entry's details) in words, never Python's own syntax: lists as
    "a, b" ("none" when empty), True/False as yes/no, codes such as ``data_manager`` as
    "data manager"."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set):
        return ", ".join(plain(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{plain(k)}: {plain(v)}" for k, v in value.items()) or "none"
    text = str(value)
    return text.replace("_", " ") if _IDENTIFIER.fullmatch(text) else text


_FRAGMENTS: OrderedDict = OrderedDict()
_FRAGMENTS_LOCK = Lock()
FRAGMENTS_KEPT = 512


def memo(macro, *args):
    """``macro(*args)``, rendered once per distinct ``args`` and then reused (docs/scale.md, request cost).

    For page parts that are the same for everyone and costly in GOV.UK macros: the header, the
    phase banner, a source's "how current" list on its cards. Only for macros whose output
    depends on nothing but their arguments, and never with personal data as an argument: the
    rendered text is shared by every request this process serves.
    """
    key = (macro.name, repr(args))  # repr: literal dicts (macro parameters) are not hashable
    with _FRAGMENTS_LOCK:
        found = _FRAGMENTS.get(key)
        if found is not None:
            _FRAGMENTS.move_to_end(key)
            return found
    rendered = macro(*args)
    with _FRAGMENTS_LOCK:
        _FRAGMENTS[key] = rendered
        if len(_FRAGMENTS) > FRAGMENTS_KEPT:
            _FRAGMENTS.popitem(last=False)
    return rendered


_URLS: dict[tuple, str] = {}


def url(name: str, *args, **kwargs) -> str:
    """``reverse`` for templates; an address without arguments (the menu, the footer: about ten
    per page) is resolved once per process and URL configuration (docs/scale.md, request cost). Addresses with
    arguments (a person's page) are resolved each time and never kept."""
    if args or kwargs:
        return reverse(name, *args, **kwargs)
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    found = _URLS.get(key)
    if found is None:
        found = _URLS[key] = reverse(name)
    return found


def environment(**options) -> Environment:
    loader = options.pop("loader", None)
    loaders = [loader] if loader else []
    # The macros import each other as "govuk_frontend_jinja/components/...".
    loaders.append(PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}))
    options.setdefault("autoescape", True)
    env = Environment(loader=ChoiceLoader(loaders), **options)
    env.globals.update({"static": static, "url": url, "config": settings.CONFIG, "memo": memo})
    env.filters.update({"govuk_date": govuk_date, "govuk_datetime": govuk_datetime, "plain": plain})
    return env
