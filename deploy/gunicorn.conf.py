"""gunicorn settings for Mithaq (README: production): `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

gunicorn reads this file before Django is loaded, so it takes its few knobs from the process
environment directly (the systemd unit's EnvironmentFile), each with a default that suits a
commune's small server.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

wsgi_app = "config.wsgi:application"

# nginx talks to gunicorn on the loopback (deploy/nginx.conf); never expose it directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")

# The usual 2 x cores + 1 sync workers, capped: each worker keeps a PostgreSQL connection
# (DB_CONN_MAX_AGE) and its own memory, and a small VM must not run out of either.
_cores = multiprocessing.cpu_count()
_cap = int(os.environ.get("GUNICORN_MAX_WORKERS", "8"))
workers = int(os.environ.get("GUNICORN_WORKERS", "0")) or max(1, min(2 * _cores + 1, _cap))
worker_class = "sync"

# A page that takes longer than this is a bug; exports (CSV/XLSX) stay well under it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# X-Forwarded-* headers are honoured only from nginx on the same machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs go to stderr (journald under systemd). The access line carries the method, the path
# without its query string and with secret tokens masked, the status, size and time: no address,
# no referrer, no query (tracking codes, searches) and so no personal data (Law 09-08).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# Paths that carry a one-time secret: e-mail verification, follow confirmation, unsubscribe and
# password-reset links.
_SECRET_SEGMENTS = re.compile(
    r"(?P<prefix>/(?:verify-email|follow/confirm|unsubscribe)/)[^/]+"
    r"|(?P<reset>/password-reset/)(?!sent/|done/)[^/]+/[^/]+"
)


def redact_path(path: str) -> str:
    """The path as the access log shows it: every one-time secret replaced by `*`."""

    def _mask(match: re.Match) -> str:
        if match.group("prefix"):
            return match.group("prefix") + "*"
        return match.group("reset") + "*/*"

    return _SECRET_SEGMENTS.sub(_mask, path)


class MithaqLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        return atoms


logger_class = MithaqLogger
