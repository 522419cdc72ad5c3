"""Django settings for gridgov.

Everything that differs between a laptop and production comes from the environment:
``DATABASE_URL`` (SQLite file by default), ``GRIDGOV_SECRET_KEY``, ``GRIDGOV_ENCRYPTION_KEY`` and
``GRIDGOV_HASH_KEY`` (personal data at rest), ``GRIDGOV_DEBUG``. The development defaults are
deliberately marked insecure so that a production deployment that forgets one is visible.
"""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("GRIDGOV_HOME", Path.cwd()))
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("GRIDGOV_SECRET_KEY", "insecure-dev-secret-change-me")
DEBUG = os.environ.get("GRIDGOV_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("GRIDGOV_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

# Personal data (ID and phone numbers) is encrypted with this Fernet key and searched through an
# HMAC with the hash key. Losing the encryption key loses the data: back it up with the database.
ENCRYPTION_KEY = os.environ.get(
    "GRIDGOV_ENCRYPTION_KEY", "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM="
)
HASH_KEY = os.environ.get("GRIDGOV_HASH_KEY", "insecure-dev-hash-key")

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
    "gridgov.catalogue",
    "gridgov.cases",
    "gridgov.intake",
    "gridgov.assessment",
    "gridgov.screen",
    "gridgov.notifications",
    "gridgov.integrations",
    "gridgov.open311",
    "gridgov.hotline",
    "gridgov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "gridgov.core.context.navigation",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
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
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
GRIDGOV_WHISTLE_MINUTES = int(os.environ.get("GRIDGOV_WHISTLE_MINUTES", "30"))

# Notification channels besides the in-app inbox (see gridgov/notifications/channels.py).
GRIDGOV_NOTIFY_CHANNELS = [c for c in os.environ.get(
    "GRIDGOV_NOTIFY_CHANNELS", "gridgov.notifications.channels.LogChannel").split(",") if c]
GRIDGOV_SMS_WEBHOOK = os.environ.get("GRIDGOV_SMS_WEBHOOK", "")
GRIDGOV_WECHAT_WEBHOOK = os.environ.get("GRIDGOV_WECHAT_WEBHOOK", "")
GRIDGOV_ESCALATE_OVERDUE_GRID_CASES = os.environ.get("GRIDGOV_ESCALATE_OVERDUE_GRID_CASES", "1") == "1"
