"""Settings of Bellerive-sur-Aronde, a fictional commune running wagtail_bippop.

SQLite by default; set DATABASE_URL for PostgreSQL and REDIS_URL for a Redis cache.
"""

import datetime
import os
import secrets
import sys
from pathlib import Path

import django
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# No built-in key: a public one would let anyone forge sessions and sign-in links. The demo
# (`python3 dev.py demo`) and the tests pass their own; the site refuses to start without one.
# Commands that only read or write the schema sign nothing that lasts: they run with a
# throw-away random key.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
OFFLINE_COMMANDS = {"makemigrations", "migrate", "showmigrations", "check", "compilemessages"}
if (
    not SECRET_KEY
    and Path(sys.argv[0]).name == "manage.py"
    and sys.argv[1:2]
    and (sys.argv[1] in OFFLINE_COMMANDS)
):
    SECRET_KEY = secrets.token_urlsafe(50)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "Set the DJANGO_SECRET_KEY environment variable (a long random string, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`); "
        "`python3 dev.py demo` sets a demo one."
    )
# Debug pages show settings and code: only when asked for (the demo asks).
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")

INSTALLED_APPS = [
    "town",
    "wagtail_bippop",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "bellerive.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "bellerive.wsgi.application"

if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("BELLERIVE_SQLITE", str(BASE_DIR / "db.sqlite3")),
            # WAL lets the site read while the task worker writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

WAGTAIL_SITE_NAME = "Bellerive-sur-Aronde"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# The demo sends nothing out: e-mails are written as files in sent_mail/ (one per message).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = BASE_DIR / "sent_mail"
DEFAULT_FROM_EMAIL = "Bellerive Solidaire <solidarite@bellerive-sur-aronde.example>"

# The town's own base template: the solidarity section sits inside its header and footer.
BIPPOP_BASE_TEMPLATE = "town/base.html"

# --- Volunteer space and messages (wagtail_bippop.volunteer_space, .notifications) ---
# One-time sign-in links (django-sesame): 20 minutes, single use.
INSTALLED_APPS += ["django_tasks_db"]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]
SESAME_MAX_AGE = 20 * 60
SESAME_ONE_TIME = True

# --- Admin sign-in: brute-force lockout (django-axes) ---
# django-axes is maintained (Jazzband, releases for every Django version), stores failures in
# the database so that every process sees them, and plugs into Django's own sign-in: the
# Wagtail admin's form is covered without changing it. Five wrong passwords for one account
# from one client address lock that pair out for 15 minutes; the address is read by the same
# function as every other limit of the app, so a proxy is honoured and X-Forwarded-For is
# never trusted from its client-written left-most entry.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# Added first, before the backends above (which stay): it refuses a locked-out pair.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "wagtail_bippop.public.ratelimit.client_address"
AXES_LOCKOUT_TEMPLATE = "wagtail_bippop/admin_locked_out.html"
# --- end of admin sign-in lockout ---
# Django 6 ships django-tasks as django.tasks: task classes then come from there.
TASKS_PACKAGE = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
# Messages are delivered by background tasks in a worker (`manage.py db_worker`, from
# django-tasks-db, started beside the site by `dev.py demo`): a web request never waits for
# a mail server or an SMS provider. BIPPOP_TASKS=immediate sends within the request instead
# (after its transaction has committed), for a quick try without a worker only.
TASKS = {
    "default": {
        "BACKEND": (
            f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"
            if os.environ.get("BIPPOP_TASKS") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
EMAIL_TIMEOUT = 10
# SMS: written as files in sent_sms/ until a provider is configured.
BIPPOP_SMS_BACKEND = "wagtail_bippop.notifications.sms.FileBackend"
BIPPOP_SMS_FILE_PATH = str(BASE_DIR / "sent_sms")
if os.environ.get("BIPPOP_SMS_BREVO_API_KEY"):
    BIPPOP_SMS_BACKEND = "wagtail_bippop.notifications.sms.BrevoBackend"
    BIPPOP_SMS_BREVO_API_KEY = os.environ["BIPPOP_SMS_BREVO_API_KEY"]
# --- end of volunteer space and messages ---

# --- Logging: one line per record on stderr, with its traceback (errors of requests, of the
# public forms' failed saves, of message delivery). ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "format": "time=%(asctime)s level=%(levelname)s logger=%(name)s "
            "process=%(process)d message=%(message)s",
        },
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "line",
        },
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "wagtail_bippop": {"level": "INFO"},
    },
}
# --- end of logging ---
