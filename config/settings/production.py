"""Production: PostgreSQL, Redis broker, SMTP; secrets have no default."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
MITHAQ_PERSONAL_DATA_KEY = env("MITHAQ_PERSONAL_DATA_KEY")
MITHAQ_AUDIT_SIGNING_KEY = env("MITHAQ_AUDIT_SIGNING_KEY")
if MITHAQ_AUDIT_SIGNING_KEY.strip() in ("", DEV_AUDIT_SIGNING_KEY):  # noqa: F405
    raise ImproperlyConfigured(
        "Set MITHAQ_AUDIT_SIGNING_KEY to your own key: manage.py audit_signing_key (README)."
    )

# Persistent database connections, checked before reuse (README: production).
# A new dict: base's is shared with any module that imported it, and must not change behind it.
DATABASES = {
    **DATABASES,  # noqa: F405
    "default": {
        **DATABASES["default"],  # noqa: F405
        "CONN_MAX_AGE": env.int("DB_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": env.bool("DB_CONN_HEALTH_CHECKS", default=True),
    },
}
if "replica" in DATABASES:
    DATABASES["replica"] = {
        **DATABASES["replica"],
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": DATABASES["default"]["CONN_HEALTH_CHECKS"],
    }
# Lockouts and rate limits must be shared by every worker: Redis (the same server as the broker,
# its own database) unless CACHE_URL or REDIS_URL names another.
CACHES = {
    "default": {
        **env.cache_url_config(
            env("CACHE_URL", default="") or env("REDIS_URL", default="") or "redis://127.0.0.1:6379/1"
        ),
        "KEY_PREFIX": "mithaq",
    }
}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
SILENCED_SYSTEM_CHECKS = []

# Static files served by the application itself: no CDN, works on the commune's own network.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
