"""Test settings: the example commune's settings, made fast and isolated.

``DATABASE_URL`` (e.g. postgres://postgres@127.0.0.1:5432/bippop) switches to PostgreSQL.
"""

import os

# The example settings refuse to load without a key: the tests give theirs first.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only")

from bellerive.settings import *  # noqa: E402,F401,F403
from bellerive.settings import TASKS_PACKAGE  # noqa: E402

DEBUG = False
SECRET_KEY = "tests-only"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# --- Volunteer space and messages ---
# Messages run at once (default) and, for the worker tests, through django-tasks-db.
TASKS = {
    "default": {"BACKEND": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"},
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
BIPPOP_SMS_BACKEND = "wagtail_bippop.notifications.sms.LocmemBackend"
# --- end of volunteer space and messages ---
