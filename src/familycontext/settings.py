"""Django settings. Explicit, read from the environment and the council's configuration file.

Environment:
  DATABASE_URL            database (default: SQLite file data/familycontext.sqlite3)
  FAMILYCONTEXT_CONFIG    the deployment's TOML configuration (default: built-in defaults)
  DJANGO_SECRET_KEY       secret key (default for local use: generated once into data/secret_key)
  FAMILYCONTEXT_DEBUG     "1" for development error pages
  FAMILYCONTEXT_DATA_DIR  where local files live (default: ./data)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from familycontext.config import current as current_configuration

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("FAMILYCONTEXT_DATA_DIR", Path.cwd() / "data")).resolve()

CONFIG = current_configuration()  # validated here: a bad value stops start-up naming the key


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    keyfile = DATA_DIR / "secret_key"
    if not keyfile.exists():
        keyfile.write_text(secrets.token_urlsafe(50))
        keyfile.chmod(0o600)
    return keyfile.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("FAMILYCONTEXT_DEBUG") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("FAMILYCONTEXT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "familycontext.sources",
    "familycontext.linkage",
    "familycontext.people",
    "familycontext.governance",
    "familycontext.accounts",
    "familycontext.web",
    "familycontext.synth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "familycontext.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "familycontext.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "familycontext.web.jinja.environment"},
    },
]

WSGI_APPLICATION = "familycontext.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'familycontext.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/sign-in"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # filled by `familycontext collectstatic` in production
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves static files under runserver and gunicorn alike; finders avoid a collectstatic step.
WHITENOISE_USE_FINDERS = True

# Sessions: inactivity time-out (renewed on each request) and an absolute limit (SPEC 8).
SESSION_COOKIE_AGE = CONFIG.sessions.inactivity_timeout_minutes * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE = os.environ.get("FAMILYCONTEXT_SECURE", "0") == "1"  # behind TLS in production
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
