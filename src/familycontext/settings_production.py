"""Production settings: ``DJANGO_SETTINGS_MODULE=familycontext.settings_production``.

Everything in ``familycontext.settings``, made strict. Environment (see docs/deployment.md):
  DJANGO_SECRET_KEY              required; never the generated development key file
  DJANGO_SECRET_KEY_FALLBACKS    old keys, comma-separated, still accepted while rotating
  FAMILYCONTEXT_ALLOWED_HOSTS    required; the host names the service answers to, comma-separated
  FAMILYCONTEXT_SECURE           "1" (default) behind TLS: secure cookies, HSTS, HTTPS redirect
  FAMILYCONTEXT_CSRF_TRUSTED_ORIGINS  optional, e.g. https://familycontext.example.gov.uk
  DATABASE_URL                   PostgreSQL, e.g. postgres://familycontext@/familycontext
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set for production (see docs/deployment.md)")
    return value


def _listed(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


# Checked before the base settings run, so a missing key never falls back to a generated file.
_SECRET_KEY = _required("DJANGO_SECRET_KEY")
_required("FAMILYCONTEXT_ALLOWED_HOSTS")
os.environ.setdefault("FAMILYCONTEXT_SECURE", "1")

from familycontext.settings import *  # noqa: E402,F403

DEBUG = False
SECRET_KEY = _SECRET_KEY
SECRET_KEY_FALLBACKS = _listed("DJANGO_SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = _listed("FAMILYCONTEXT_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _listed("FAMILYCONTEXT_CSRF_TRUSTED_ORIGINS")

# TLS ends at nginx, which sets X-Forwarded-Proto; nginx must overwrite any value a client sent.
SECURE = os.environ["FAMILYCONTEXT_SECURE"] == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_SSL_REDIRECT = SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes come over plain HTTP on localhost
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = False  # preloading is a decision for the council's domain, not this service
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405 (HSTS preload off)

# Static files: `familycontext collectstatic` once per release; WhiteNoise serves the hashed,
# compressed copies with far-future cache headers. No finders at run time.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "familycontext.ops.static.StaticFilesStorage"},
}
