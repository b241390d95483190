"""The production settings module, run as an operator runs it: a separate process with only the
environment of deploy/ (README: production). collectstatic must write a manifest holding every
asset the templates name, or every page answers 500 in production."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(settings.BASE_DIR)


def _production_env(tmp_path, **extra):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "DB_", "MITHAQ_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="test-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="mithaq.example.org",
        MITHAQ_PERSONAL_DATA_KEY="test-production-personal-data-key",
        MITHAQ_AUDIT_SIGNING_KEY="go+orw6HcF0y6BWTYl61qMFRzpWdSIAl94uO+KqtKOI=",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.update(extra)
    return env


def _production_settings(tmp_path, **extra):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "db = s.DATABASES['default']; print(json.dumps({"
        "'conn_max_age': db['CONN_MAX_AGE'], 'health': db['CONN_HEALTH_CHECKS'], "
        "'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), 'accel': s.MITHAQ_ACCEL_REDIRECT, "
        "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'secure_cookies': [s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE], "
        "'csp': 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a constant program
        [sys.executable, "-c", code],
        cwd=REPO,
        env=_production_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_collectstatic_with_production_settings_writes_a_complete_manifest(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "1"],
        cwd=REPO,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    named = set()
    for path in list((REPO / "templates").rglob("*.html")) + list(REPO.glob("*/templates/**/*.html")):
        named.update(re.findall(r"""{%\s*static\s+['"]([^'"]+)['"]""", path.read_text(encoding="utf-8")))
    assert {"css/mithaq.css", "js/print.js", "vendor/chartjs/chart.umd.min.js"} <= named
    assert sorted(named - set(manifest)) == []
    # viewflow's own screens are not mounted: none of their 49 MB is collected.
    assert not any(name.startswith("viewflow/") for name in manifest)
    assert (tmp_path / "static" / manifest["css/mithaq.css"]).is_file()


def test_production_defaults(tmp_path):
    values = _production_settings(tmp_path)
    assert values["conn_max_age"] == 60
    assert values["health"] is True
    # Without MITHAQ_BEHIND_PROXY no client-supplied header can make a request look secure.
    assert values["proxy"] is None
    assert values["accel"] == ""
    assert values["ssl_redirect"] is True
    assert values["secure_cookies"] == [True, True]
    assert values["csp"] is True


def test_production_reads_the_environment(tmp_path):
    values = _production_settings(
        tmp_path,
        DB_CONN_MAX_AGE="0",
        DB_CONN_HEALTH_CHECKS="false",
        MITHAQ_BEHIND_PROXY="1",
        MITHAQ_ACCEL_REDIRECT="/protected-media/",
    )
    assert values["conn_max_age"] == 0
    assert values["health"] is False
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["accel"] == "/protected-media/"


def test_local_defaults_keep_one_connection_per_request():
    # The test settings inherit base: no persistent connections unless the environment asks.
    if "DB_CONN_MAX_AGE" in os.environ:
        pytest.skip("DB_CONN_MAX_AGE set in the environment")
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0


def test_deploy_files_agree_with_the_settings():
    nginx = (REPO / "deploy" / "nginx.conf").read_text()
    assert re.search(r"location /protected-media/ \{[^}]*\binternal;", nginx)
    assert "X-Forwarded-Proto" in nginx
    assert "MITHAQ_ACCEL_REDIRECT=/protected-media/" in (REPO / "deploy" / "mithaq.env.example").read_text()
    for unit in ("mithaq-web.service", "mithaq-worker.service", "mithaq-beat.service"):
        text = (REPO / "deploy" / "systemd" / unit).read_text()
        assert "EnvironmentFile=" in text and "User=" in text and "Restart=" in text, unit
