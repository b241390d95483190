"""Settings shared by every environment. Every value comes from config.env."""

import datetime

from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from config.env import BASE_DIR, env

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party: API, history, state machine, workflow engine
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "simple_history",
    "django_fsm",
    "csp",
    "axes",
    "viewflow",
    "viewflow.workflow",
    # Mithaq, top to bottom: each imports only those below it (docs/architecture.md, .importlinter)
    "core",
    "accounts",
    "audit",
    "notifications",
    "organisation",
    "cases",
    "notices",
    "clocks",
    "petitions",
    "followup",
    "workflows",
    "letters",
    "backfill",
    "demo",
    # Participation records (meetings, attendance counts, evaluations, the calendar)
    "participation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Which collectivity: /c/<slug>/ or its host name, else the default (organisation.tenancy).
    # After the locale (its 404 page is translated), before CommonMiddleware (which resolves paths).
    "organisation.tenancy.CollectivityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication: anonymous reads of the public views go to the replica (core.dbrouting).
    "core.dbrouting.ReplicaReadsMiddleware",
    # Last, as django-axes asks: it turns a flagged lockout into the answer (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.mithaq",
                "notifications.context_processors.unread",
                "cases.page_cache.csrf_placeholder",
            ],
        },
    },
]

# SQLite by default (the embedded demo); PostgreSQL in production through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing at once (Django >= 5.1).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
# Persistent connections: 0 (a connection per request) unless the environment says otherwise;
# production defaults to 60 s with a health check, so a restarted PostgreSQL costs no 500.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=False)
# pgbouncer in transaction mode cannot keep a server-side cursor across transactions (README).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DB_DISABLE_SERVER_SIDE_CURSORS", default=False
)
# A PostgreSQL streaming replica for the public reads (core.dbrouting, README: scaling out).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": DATABASES["default"]["CONN_HEALTH_CHECKS"],
        "DISABLE_SERVER_SIDE_CURSORS": DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"],
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["core.dbrouting.ReplicaRouter"]
MITHAQ_REPLICA_READS = env.bool("MITHAQ_REPLICA_READS", default=True)
# The views an anonymous visitor reads (URL names): they tolerate a second of replication lag.
MITHAQ_REPLICA_VIEWS = frozenset(
    {
        "public:home",
        "public:register",
        "public:case",
        "petitions:list",
        "followup:indicators",
        "indicators-api",
        "followup:open_data",
        "audit:digests",
        "audit-digests",
        "participation:calendar",
        "participation:calendar_ics",
        "participation:meeting",
        "api:committee-list",
        "api:service-list",
        "api:session-list",
        "api:rules",
        "api:case-list",
        "api:case-detail",
    }
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "public:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Arabic is the default and right-to-left; French is switchable.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French")), ("zgh", _("Tamazight"))]
# Standard Moroccan Tamazight (Tifinagh, left to right) is not among Django's languages: declared
# here. Its catalogue covers the public pages; anything else falls back to Arabic (LANGUAGE_CODE).
LANG_INFO["zgh"] = {"bidi": False, "code": "zgh", "name": "Tamazight", "name_local": "ⵜⴰⵎⴰⵣⵉⵖⵜ"}
# The languages whose catalogue must be complete (manage.py messages_check); zgh grows with review.
MITHAQ_COMPLETE_LANGUAGES = ("ar", "fr")
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "config.staticfinders.ProjectAppDirectoriesFinder",
]
# viewflow's own screens are not mounted; its assets are never served (config/staticfinders.py).
MITHAQ_STATIC_EXCLUDED_APPS = ["viewflow", "viewflow.workflow"]
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Internal URL prefix of nginx's protected-media location (deploy/nginx.conf): when set, downloads
# answer with `X-Accel-Redirect: <prefix><storage name>` and nginx sends the bytes; empty, Django streams.
MITHAQ_ACCEL_REDIRECT = env("MITHAQ_ACCEL_REDIRECT", default="")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# The shared cache: login lockouts, API throttling and sign-up limits count here, so every worker
# must see the same counts. Redis in production (CACHE_URL or REDIS_URL, e.g. redis://127.0.0.1:6379/1);
# process memory by default, enough for the one-process demo and the tests.
_cache_url = env("CACHE_URL", default="") or env("REDIS_URL", default="") or "locmemcache://mithaq"
CACHES = {"default": env.cache_url_config(_cache_url)}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's own Redis backend (redis-py), whatever django-environ would pick.
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
CACHES["default"].setdefault("KEY_PREFIX", "mithaq")
# django-axes warns that process memory is not shared between workers: true, and known. The demo
# runs one process; production sets a Redis cache and keeps the warning.
SILENCED_SYSTEM_CHECKS = ["axes.W001"] if CACHES["default"]["BACKEND"].endswith("LocMemCache") else []

# Behind a reverse proxy (nginx) the client's address is the last X-Forwarded-For hop the proxy
# appended; otherwise REMOTE_ADDR. A client-set header is never trusted (accounts.client_ip).
MITHAQ_BEHIND_PROXY = env.bool("MITHAQ_BEHIND_PROXY", default=False)

# Login attempts (django-axes): after AXES_FAILURE_LIMIT failures for one username or from one
# address, logging in is refused for AXES_COOLOFF_MINUTES; an administrator can unlock earlier
# (README: "Locked out").
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts during a lockout do not restart the clock: the owner gets in once the cool-off is over.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # the cache handler keeps no rows; unlocking is an action on the users list
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]

# E-mail: console in development, SMTP from EMAIL_URL in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mithaq <no-reply@localhost>")

# History: reverting would bypass the state machine (docs/architecture.md, house rules).
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False

# Celery: with no broker configured, tasks run in-process after commit, so the demo needs none.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queues (README: scaling out): a worker started without -Q consumes them all; a bigger
# installation runs workers per queue, on as many machines as needed (`-Q notifications`).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (
    Queue("celery"),  # deadline checks and anything unrouted
    Queue("notifications"),  # outbox delivery: many small, urgent tasks
    Queue("reports"),  # audit digests and periodic reports
    Queue("exports"),  # open-data files: long, low priority
)
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": "notifications"},
    "audit.*": {"queue": "reports"},
    "followup.export_open_data": {"queue": "exports"},
    "followup.*": {"queue": "reports"},
}
# One beat process runs these (README: production).
CELERY_BEAT_SCHEDULE: dict = {
    "check-deadlines-daily": {
        "task": "clocks.check_deadlines",
        "schedule": 24 * 3600,
        "options": {"expires": 3600},
    },
    "notifications-sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60.0},
    "audit-digest-daily": {"task": "audit.digest", "schedule": 24 * 3600, "options": {"expires": 3600}},
    "followup-open-data-daily": {
        "task": "followup.export_open_data",
        "schedule": 24 * 3600,
        "options": {"expires": 3600},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ExpiringTokenAuthentication",
    ],
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mithaq API",
    "DESCRIPTION": "Citizen participation cases of a Moroccan territorial collectivity (OL 113-14).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Content-Security-Policy on every response (django-csp): every script and stylesheet is a file the
# project serves, so no 'unsafe-inline' and no other origin; templates carry no inline script,
# handler or style attribute (tests/config/test_csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# viewflow: keep our own middleware list explicit.
VIEWFLOW = {"AUTOREGISTER": False}

# Mithaq
# Base of the absolute links in e-mails (workers have no request to build them from).
MITHAQ_SITE_URL = env("MITHAQ_SITE_URL", default="http://127.0.0.1:8000")
# Tell the group that must act next about its new task (docs/domain.md §7), by e-mail and in the app.
MITHAQ_NOTIFY_NEW_TASKS = env.bool("MITHAQ_NOTIFY_NEW_TASKS", default=True)
# SMS notices (notifications.sms): the backend's dotted path; the console backend prints them with the
# number masked. A provider is plugged in by naming its backend here (README, Notifications); the
# example HTTP backend reads the URL, token and sender below.
MITHAQ_SMS_BACKEND = env("MITHAQ_SMS_BACKEND", default="notifications.sms.ConsoleSmsBackend")
MITHAQ_SMS_HTTP_URL = env("MITHAQ_SMS_HTTP_URL", default="")
MITHAQ_SMS_HTTP_TOKEN = env("MITHAQ_SMS_HTTP_TOKEN", default="")
MITHAQ_SMS_SENDER = env("MITHAQ_SMS_SENDER", default="")
MITHAQ_SMS_HTTP_TIMEOUT = env.int("MITHAQ_SMS_HTTP_TIMEOUT", default=10)
MITHAQ_DEFAULT_COLLECTIVITY = env("MITHAQ_DEFAULT_COLLECTIVITY", default="demnate")
# Hosts that serve the default collectivity at the root (README, "One installation, several
# collectivities"). Empty: every host of ALLOWED_HOSTS that is no collectivity's own host name does.
# Set, any other host is the 404 page. Collectivities' own host names go in ALLOWED_HOSTS too.
MITHAQ_DEFAULT_HOSTS = env.list("MITHAQ_DEFAULT_HOSTS", default=[])
# Anonymous public pages (home, register, case page) are served from the shared cache for this many
# seconds at most; every write through cases.services renders them again at once (cases.page_cache).
# 0 turns the page cache off.
MITHAQ_PAGE_CACHE_SECONDS = env.int("MITHAQ_PAGE_CACHE_SECONDS", default=600)
# API tokens expire this many days after they were issued; POST /api/v1/auth/token/ gives a new one.
MITHAQ_API_TOKEN_DAYS = env.int("MITHAQ_API_TOKEN_DAYS", default=30)
# Requests to POST /api/v1/auth/token/ per client address (DRF rate: "10/minute", "100/hour").
MITHAQ_API_TOKEN_RATE = env("MITHAQ_API_TOKEN_RATE", default="10/minute")
# Sign-ups and password-reset requests per client address and hour.
MITHAQ_SIGNUP_PER_HOUR = env.int("MITHAQ_SIGNUP_PER_HOUR", default=5)
MITHAQ_PASSWORD_RESET_PER_HOUR = env.int("MITHAQ_PASSWORD_RESET_PER_HOUR", default=5)
# Online evaluation cards accepted per client address and hour (the meeting link is public once shared).
MITHAQ_EVALUATION_PER_HOUR = env.int("MITHAQ_EVALUATION_PER_HOUR", default=30)
# Key for encrypting personal data at rest (Law 09-08); production must set it.
MITHAQ_PERSONAL_DATA_KEY = env("MITHAQ_PERSONAL_DATA_KEY", default="")
# Ed25519 key signing the daily audit digests (README: audit integrity): base64 of the raw 32
# bytes, or PEM. Production must set it; local and test settings use the public development key.
MITHAQ_AUDIT_SIGNING_KEY = env("MITHAQ_AUDIT_SIGNING_KEY", default="")
# PUBLIC development key ("mithaq-dev-audit-key-NOT-SECRET!"): signs nothing that proves anything;
# production refuses it.
DEV_AUDIT_SIGNING_KEY = "bWl0aGFxLWRldi1hdWRpdC1rZXktTk9ULVNFQ1JFVCE="
# Public keys of retired signing keys (base64, comma separated): their digests stay verifiable.
MITHAQ_AUDIT_PREVIOUS_PUBLIC_KEYS = env.list("MITHAQ_AUDIT_PREVIOUS_PUBLIC_KEYS", default=[])
# Open data (/open-data/, README: open data): the licence named in datapackage.json (an SPDX id)
# and where the daily export writes its snapshot.
MITHAQ_OPEN_DATA_LICENSE = env("MITHAQ_OPEN_DATA_LICENSE", default="CC-BY-4.0")
MITHAQ_OPEN_DATA_DIR = env("MITHAQ_OPEN_DATA_DIR", default=str(BASE_DIR / "open-data"))
# Publish yesterday's digest on the first request of the day (no Celery beat needed).
MITHAQ_AUDIT_AUTO_PUBLISH = env.bool("MITHAQ_AUDIT_AUTO_PUBLISH", default=True)

# Behind a reverse proxy that terminates HTTPS (deploy/nginx.conf) and sets X-Forwarded-Proto.
# Only then may Django trust that header: without a proxy a client could forge it.
if MITHAQ_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The PDF letters (README: letters): WeasyPrint's steps and fontTools' subsetting are chatty.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
