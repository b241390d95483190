"""/media/ is never served by Django, whatever the settings module and DEBUG: uploaded files are
opened through /files/<id>/ alone, under the case's rules."""

from __future__ import annotations

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

# What the production module requires from the environment (README: production).
PRODUCTION_ENV = {
    "SECRET_KEY": "media-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "testserver",
    "MITHAQ_PERSONAL_DATA_KEY": "media-test-key",
    # A throwaway Ed25519 key (base64 of 32 bytes): production refuses the development one.
    "MITHAQ_AUDIT_SIGNING_KEY": "go+orw6HcF0y6BWTYl61qMFRzpWdSIAl94uO+KqtKOI=",
}


def _settings_module(name: str, monkeypatch):
    for key, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, value)
    return importlib.reload(importlib.import_module(name))


def _reload_urls():
    import config.urls

    module = importlib.reload(config.urls)
    clear_url_caches()
    return module


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "module", ["config.settings.test", "config.settings.local", "config.settings.production"]
)
def test_media_is_never_served(client, db, monkeypatch, tmp_path, module, debug):
    mod = _settings_module(module, monkeypatch)
    # A real file where MEDIA_ROOT points: a static() route would serve it.
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "cnie.pdf").write_bytes(b"%PDF-1.4 identity card copy")
    media_url = "/" + mod.MEDIA_URL.strip("/") + "/"
    try:
        with override_settings(DEBUG=debug, MEDIA_URL=mod.MEDIA_URL, MEDIA_ROOT=str(tmp_path)):
            urls = _reload_urls()
            assert not [
                p for p in urls.urlpatterns if str(p.pattern).lstrip("^").startswith(media_url.lstrip("/"))
            ]
            for path in ("cases/cnie.pdf", "anything", "../cases/cnie.pdf"):
                response = client.get(media_url + path)
                assert response.status_code == 404, (module, debug, path)
                assert b"identity card copy" not in response.content
    finally:
        _reload_urls()
