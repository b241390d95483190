"""deploy/gunicorn.conf.py: workers from the CPU count, and an access log without secrets."""

import importlib.util
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from gunicorn.config import Config

CONF = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"


def _load(monkeypatch, cores=4, **environ):
    for name in ("GUNICORN_WORKERS", "GUNICORN_MAX_WORKERS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: cores)
    spec = importlib.util.spec_from_file_location("mithaq_gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_workers_follow_the_cores_with_a_cap(monkeypatch):
    assert _load(monkeypatch, cores=2).workers == 5
    assert _load(monkeypatch, cores=16).workers == 8
    assert _load(monkeypatch, cores=16, GUNICORN_MAX_WORKERS="12").workers == 12
    assert _load(monkeypatch, cores=16, GUNICORN_WORKERS="3").workers == 3


def test_bind_defaults_to_the_loopback(monkeypatch):
    assert _load(monkeypatch).bind == "127.0.0.1:8001"
    assert _load(monkeypatch, GUNICORN_BIND="127.0.0.1:9000").bind == "127.0.0.1:9000"


def test_access_log_has_no_query_string_and_masks_secret_links(monkeypatch):
    conf = _load(monkeypatch)
    assert "%(U)s" in conf.access_log_format
    assert "%(r)s" not in conf.access_log_format and "%(q)s" not in conf.access_log_format
    assert "%(f)s" not in conf.access_log_format  # the referrer may carry a query string
    redact = conf.redact_path
    assert redact("/accounts/verify-email/abc.DEF-123/") == "/accounts/verify-email/*/"
    assert redact("/notifications/follow/confirm/tok3n/") == "/notifications/follow/confirm/*/"
    assert redact("/notifications/unsubscribe/tok3n/") == "/notifications/unsubscribe/*/"
    assert redact("/accounts/password-reset/MQ/c5x-0123abcd/") == "/accounts/password-reset/*/*/"
    assert redact("/accounts/password-reset/sent/") == "/accounts/password-reset/sent/"
    assert redact("/accounts/verify-email/") == "/accounts/verify-email/"
    assert redact("/register/DMN-PRO-2026-0003/") == "/register/DMN-PRO-2026-0003/"


def test_the_logged_line_has_no_secret_and_no_query(monkeypatch):
    conf = _load(monkeypatch)
    logger = conf.logger_class(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/accounts/verify-email/s3cret/?email=someone%40example.org",
        "PATH_INFO": "/accounts/verify-email/s3cret/",
        "QUERY_STRING": "email=someone%40example.org",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", headers=[], response_length=10, sent=10)
    request = SimpleNamespace(headers=[])
    line = conf.access_log_format % logger.atoms(response, request, environ, timedelta(milliseconds=5))
    assert '"GET /accounts/verify-email/*/" 200' in line
    assert "s3cret" not in line and "example.org" not in line
