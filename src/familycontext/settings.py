"""Django settings. Explicit, read from the environment and the council's configuration file.

Environment:
  DATABASE_URL            database (default: SQLite file data/familycontext.sqlite3)
  FAMILYCONTEXT_CONFIG    the deployment's TOML configuration (default: built-in defaults)
  DJANGO_SECRET_KEY       secret key (default for local use: generated once into data/secret_key)
  FAMILYCONTEXT_DEBUG     "1" for development error pages
  FAMILYCONTEXT_DATA_DIR  where local files live (default: ./data)
  FAMILYCONTEXT_LOG_FORMAT  "json" (default: one JSON object per line) or "text"
  FAMILYCONTEXT_LOG_LEVEL   level of the application's loggers (default INFO)
  FAMILYCONTEXT_AUDIT_CHECKPOINT_KEY   key signing the audit checkpoints (default: derived from the secret key)
  FAMILYCONTEXT_AUDIT_CHECKPOINT_FILE  an append-only file that also receives every audit checkpoint
Production: familycontext.settings_production (see docs/deployment.md).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as cors_default_headers

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
# Audit checkpoints outside the database (governance.checkpoints, docs/security.md).
AUDIT_CHECKPOINT_KEY = os.environ.get("FAMILYCONTEXT_AUDIT_CHECKPOINT_KEY", "")
AUDIT_CHECKPOINT_FILE = os.environ.get("FAMILYCONTEXT_AUDIT_CHECKPOINT_FILE") or None
# Our own reverse proxies (as gunicorn's forwarded_allow_ips): behind them the client address is
# read from X-Forwarded-For (governance.audit.client_address).
TRUSTED_PROXY_ADDRESSES = tuple(a.strip() for a in os.environ.get("FAMILYCONTEXT_FORWARDED_ALLOW_IPS", "127.0.0.1")
                                .split(",") if a.strip())
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
    "familycontext.api",
    "ninja",  # only for its bundled Swagger UI static files (api/docs.py renders the page)
    "corsheaders",  # api.cors_allowed_origins (off unless origins are listed)
    "familycontext.synth",
    "axes",  # lockout after repeated failed sign-ins (accounts.lockout)
    "django_otp",  # TOTP second factor (accounts.second_factor)
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "familycontext.ops.middleware.RequestIdMiddleware",  # first: its id and timing cover the rest
    "familycontext.web.security.SecurityHeadersMiddleware",  # outside the rest: errors and static too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before anything that answers: preflights too
    "familycontext.api.cookies.ContractSessionCookieMiddleware",  # FCSESSIONID on /api/ (docs/api.md)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Bodies too large or in an unreadable charset: 413/400 before anything reads them (issue 17).
    "familycontext.api.problems.RequestGuardMiddleware",
    "familycontext.web.security.RequestGuardMiddleware",
    "familycontext.governance.middleware.AuditContextMiddleware",  # who, for audit events without a request
    "familycontext.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "familycontext.urls"

# CORS (django-cors-headers) for councils that serve a client from another origin: only the origins
# in api.cors_allowed_origins, only /api/, with the session cookie (the reference client sends it).
CORS_ALLOWED_ORIGINS = list(CONFIG.api.cors_allowed_origins)
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS", "POST")
CORS_ALLOW_HEADERS = (*cors_default_headers, "cache-control", "x-reason-cms-id", "x-reason-type",
                      "x-reason-text")

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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and \
        os.environ.get("FAMILYCONTEXT_PG_PREPARED", "1") == "1":
    # Server-side parameters, and statements prepared once per connection after their second use:
    # the same few queries run on every request, so PostgreSQL stops parsing and planning them
    # each time (docs/adr/0002). FAMILYCONTEXT_PG_PREPARED=0 turns it off (e.g. behind PgBouncer in
    # transaction mode before 1.21, which cannot keep prepared statements).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})
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
# Argon2id (argon2-cffi, accounts.hashers); the others only so that older hashes still check
# and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "familycontext.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Axes first: it refuses a locked-out username before the password is even checked.
# accounts.backends.UserBackend is Django's ModelBackend, loading the user, its live session and
# its roles in one query on each request (docs/adr/0002).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "familycontext.accounts.backends.UserBackend",
]
AXES_FAILURE_LIMIT = "familycontext.accounts.lockout.failure_limit"  # local_accounts.lockout_after_failures
AXES_COOLOFF_TIME = "familycontext.accounts.lockout.cool_off"  # local_accounts.lockout_minutes
AXES_LOCKOUT_CALLABLE = "familycontext.accounts.lockout.lockout_response"
# Per account, not per address: council staff share a few proxy addresses, and locking an
# address would lock a whole office out because of one person's typing (hence axes.W006 below).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
OTP_TOTP_ISSUER = f"{CONFIG.council.service_name} ({CONFIG.council.name})"
LOGIN_URL = "/sign-in"
LOGIN_REDIRECT_URL = "/home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # filled by `familycontext collectstatic` in production
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves static files under runserver and gunicorn alike; finders avoid a collectstatic step.
WHITENOISE_USE_FINDERS = True

# Sessions (SPEC 8): accounts.sessions ends a session idle for sessions.inactivity_timeout_minutes,
# older than sessions.absolute_limit_hours, or replaced by a newer sign-in, and says why on the
# sign-in page. The store keeps a session no longer than the absolute limit.
# SESSION_INACTIVITY_TIMEOUT / SESSION_ABSOLUTE_LIMIT (seconds) override the two, for tests only.
SESSION_COOKIE_AGE = CONFIG.sessions.absolute_limit_hours * 3600
# Written when changed, not on every request: accounts.sessions.touch records activity at most
# once a minute (docs/adr/0002). Django's database store, read and updated with plain SQL.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "familycontext.accounts.session_store"
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

# Logs: one JSON object per line on stderr (journald collects it), each with the request id, and
# no personal data (see ops/logs.py). FAMILYCONTEXT_LOG_FORMAT=text for plain lines in development.
LOG_FORMAT = os.environ.get("FAMILYCONTEXT_LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "familycontext.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "familycontext.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "familycontext": {"level": os.environ.get("FAMILYCONTEXT_LOG_LEVEL", "INFO")},
        # Signed audit checkpoints are evidence: written whatever the level of the rest.
        "familycontext.audit.checkpoints": {"level": "INFO"},
        # runserver's own access lines carry query strings; the request log above replaces them.
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
