"""Test runs: fast hashing, in-memory e-mail, DATABASE_URL still honoured (SQLite or PostgreSQL)."""

import datetime

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijkl"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MITHAQ_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
CELERY_BROKER_URL = ""
MITHAQ_PERSONAL_DATA_KEY = "test-personal-data-key"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests: process-memory cache (cleared around every test, tests/conftest.py) and a small lockout
# limit, so a handful of wrong passwords shows the lockout.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mithaq-tests"}}
SILENCED_SYSTEM_CHECKS = ["axes.W001"]
AXES_FAILURE_LIMIT = 3
AXES_COOLOFF_MINUTES = 15
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AXES_COOLOFF_MINUTES)
MITHAQ_AUDIT_SIGNING_KEY = DEV_AUDIT_SIGNING_KEY  # noqa: F405
# Tests publish digests explicitly; an automatic one would cover the backdated entries they write.
MITHAQ_AUDIT_AUTO_PUBLISH = False

# On PostgreSQL the suite has a second connection to the same server as the read replica
# (core.dbrouting): a test mirror of the default database. Routing to it is off (a test's rows sit
# in its uncommitted transaction, invisible to a second connection); tests/core/test_dbrouting.py
# turns it on with committed rows.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
MITHAQ_REPLICA_READS = False
