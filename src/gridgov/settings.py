"""Django settings for gridgov.

Everything that differs between a laptop and production comes from the environment:
``DATABASE_URL`` (SQLite file by default), ``GRIDGOV_SECRET_KEY``, ``GRIDGOV_ENCRYPTION_KEY`` and
``GRIDGOV_HASH_KEY`` (personal data at rest, also read from the keys file ``gridgov keys`` writes),
``GRIDGOV_DEBUG``. The development keys are public: a production process (``gridgov serve`` and
``gridgov worker`` set ``GRIDGOV_PRODUCTION=1``) refuses to start with them, and gets the HTTPS
settings' production defaults (docs/security.md).
"""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from gridgov.core import keys

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("GRIDGOV_HOME", Path.cwd()))
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(parents=True, exist_ok=True)

# A production process: real keys required (core/checks.py), HTTPS hardening on by default.
GRIDGOV_PRODUCTION = os.environ.get("GRIDGOV_PRODUCTION", "0") == "1"

# Keys from the environment, else the keys file, else the public development values (core/keys.py).
# Personal data (ID and phone numbers) is encrypted with the first of the comma-separated Fernet
# keys (the others still decrypt, during `gridgov rotate-keys`) and searched through an HMAC with
# the hash key. Losing the encryption key loses the data: back the keys file up with the database.
GRIDGOV_KEYS_FILE = Path(os.environ.get("GRIDGOV_KEYS_FILE", VAR_DIR / "keys.env"))
_keys = keys.resolve_keys(os.environ, GRIDGOV_KEYS_FILE)
GRIDGOV_DEVELOPMENT_KEYS = keys.development_keys_in_use(_keys)
SECRET_KEY = _keys["GRIDGOV_SECRET_KEY"]
ENCRYPTION_KEY = _keys["GRIDGOV_ENCRYPTION_KEY"]
HASH_KEY = _keys["GRIDGOV_HASH_KEY"]

DEBUG = os.environ.get("GRIDGOV_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("GRIDGOV_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "gridgov.core",
    "gridgov.structure",
    "gridgov.people",
    "gridgov.accounts",
    "gridgov.workdays",
    "gridgov.ledger",
    "gridgov.catalogue",
    "gridgov.cases",
    "gridgov.volunteering",
    "gridgov.shop",
    "gridgov.reportin",
    "gridgov.timebank",
    "gridgov.deliberation",
    "gridgov.microprojects",
    "gridgov.care",
    "gridgov.visits",
    "gridgov.partybuilding",
    "gridgov.intake",
    "gridgov.assessment",
    "gridgov.screen",
    "gridgov.notifications",
    "gridgov.integrations",
    "gridgov.facilities",
    "gridgov.open311",
    "gridgov.hotline",
    "gridgov.home",
    "gridgov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gridgov.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "gridgov.core.middleware_input.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gridgov.core.middleware_errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gridgov.home.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The assessment boards are short aggregate queries that PostgreSQL's JIT compilation only slows
    # down (bench/assessment.py: a third of the time at 10 million cases).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0") == "1"


# HTTPS, on by default in a production process, which runs behind a TLS proxy (nginx) that sets
# X-Forwarded-Proto and X-Forwarded-For; each can be switched by its variable (docs/security.md).
GRIDGOV_BEHIND_PROXY = _flag("GRIDGOV_BEHIND_PROXY", GRIDGOV_PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if GRIDGOV_BEHIND_PROXY else None
SECURE_SSL_REDIRECT = _flag("GRIDGOV_SSL_REDIRECT", GRIDGOV_PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("GRIDGOV_SECURE_COOKIES", GRIDGOV_PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("GRIDGOV_HSTS_SECONDS", "31536000" if GRIDGOV_PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("GRIDGOV_HSTS_INCLUDE_SUBDOMAINS", GRIDGOV_PRODUCTION)
SECURE_HSTS_PRELOAD = _flag("GRIDGOV_HSTS_PRELOAD", False)
# Asking browsers to preload HTTPS for the domain is its owner's decision (often the whole gov.cn
# site), not this application's: check --deploy's reminder of it stays silent unless asked for.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GRIDGOV_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every response (core/middleware.py; empty switches it off). Scripts
# come only from /static/. Temporary exception: the two inline handlers of the templates
# (base.html's language menu, the printable report's button) are allowed by their hashes until
# they move into script files; tests/test_security_keys.py fails when a handler is not listed.
# Styles allow inline style attributes (progress bars, widths) and htmx's indicator style.
GRIDGOV_CSP = os.environ.get("GRIDGOV_CSP", "; ".join([
    "default-src 'self'",
    ("script-src 'self' 'unsafe-hashes' 'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY=' "
     "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='"),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# Wrong passwords (web, back office and API token) are throttled per account and per client address
# (accounts/throttle.py): at this many failures within the window, sign-in is refused until the
# oldest of them leaves it. An address counts more, since a whole street office may share one.
GRIDGOV_LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("GRIDGOV_LOGIN_FAILURES_PER_ACCOUNT", "5"))
GRIDGOV_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("GRIDGOV_LOGIN_FAILURES_PER_ADDRESS", "20"))
GRIDGOV_LOGIN_WINDOW_MINUTES = int(os.environ.get("GRIDGOV_LOGIN_WINDOW_MINUTES", "15"))
# API bearer tokens expire this many days after they are issued (and die with a password change).
GRIDGOV_TOKEN_DAYS = int(os.environ.get("GRIDGOV_TOKEN_DAYS", "30"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "gridgov.core.storage.TransactionalFileSystemStorage"},  # uploads follow rollbacks
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Request size: a body declared larger than GRIDGOV_MAX_REQUEST_BYTES (nine phone photos fit) is
# refused with 413 before it is read (core/middleware_input.py); form fields and JSON without the
# files may hold Django's 2.5 MB, and uploads over 2.5 MB are spooled to disk, not kept in memory.
GRIDGOV_MAX_REQUEST_BYTES = int(os.environ.get("GRIDGOV_MAX_REQUEST_MB", "32")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Photos: at most this many bytes each and this many pixels (a 48-megapixel phone camera fits; a
# decompression bomb, tiny on disk and gigabytes once decoded, does not).
GRIDGOV_PHOTO_MAX_BYTES = 10 * 1024 * 1024
GRIDGOV_PHOTO_MAX_PIXELS = 50_000_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal_without_traceback": {"()": "gridgov.core.logs.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A 403 of a page is logged as one line, without the traceback Django attaches.
    "loggers": {"django.request": {"filters": ["refusal_without_traceback"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# Exact ID/phone number searches each user may make in an hour (each is logged like a reveal).
GRIDGOV_NUMBER_SEARCHES_PER_HOUR = int(os.environ.get("GRIDGOV_NUMBER_SEARCHES_PER_HOUR", "10"))
GRIDGOV_WHISTLE_MINUTES = int(os.environ.get("GRIDGOV_WHISTLE_MINUTES", "30"))

# Notification channels besides the in-app inbox (see gridgov/notifications/channels.py).
GRIDGOV_NOTIFY_CHANNELS = [c for c in os.environ.get(
    "GRIDGOV_NOTIFY_CHANNELS", "gridgov.notifications.channels.LogChannel").split(",") if c]
GRIDGOV_SMS_WEBHOOK = os.environ.get("GRIDGOV_SMS_WEBHOOK", "")
GRIDGOV_WECHAT_WEBHOOK = os.environ.get("GRIDGOV_WECHAT_WEBHOOK", "")
GRIDGOV_ESCALATE_OVERDUE_GRID_CASES = os.environ.get("GRIDGOV_ESCALATE_OVERDUE_GRID_CASES", "1") == "1"
# Several `gridgov worker` processes: a job's lease (core/jobs.py) lasts this long unless renewed
# between rows, so a killed worker's job is taken over by another after at most this delay.
GRIDGOV_JOB_LEASE_SECONDS = int(os.environ.get("GRIDGOV_JOB_LEASE_SECONDS", "600"))
# Tests only: seconds each job step sleeps, to kill a worker in the middle of a job.
GRIDGOV_WORKER_STEP_DELAY = float(os.environ.get("GRIDGOV_WORKER_STEP_DELAY", "0"))
