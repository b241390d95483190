"""Personal data at rest (Law 09-08): CNIE numbers encrypted with a key from the environment,
beside a keyed hash that finds duplicates without decrypting anything."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Moroccan CNIE: one or two Latin letters, then digits.
CNIE_RE = re.compile(r"^[A-Z]{1,2}[0-9]{1,8}$")


def cnie_normalize(raw: str) -> str:
    """Upper case, Arabic-Indic digits to ASCII, spaces, dots and dashes removed."""
    text = (raw or "").translate(_ARABIC_INDIC).upper()
    return re.sub(r"[\s.\-_/]", "", text)


def cnie_is_valid(normalized: str) -> bool:
    return bool(CNIE_RE.match(normalized))


def _master_key() -> bytes:
    key = settings.MITHAQ_PERSONAL_DATA_KEY
    if not key:
        if not settings.DEBUG and "production" in (getattr(settings, "SETTINGS_MODULE", "") or ""):
            raise ImproperlyConfigured("MITHAQ_PERSONAL_DATA_KEY is required in production.")
        # Development and the demo only: derived from SECRET_KEY so the demo works out of the box.
        key = "dev-only:" + settings.SECRET_KEY
    return key.encode("utf-8")


@lru_cache(maxsize=4)
def _keys(master: bytes) -> tuple[Fernet, bytes]:
    enc = base64.urlsafe_b64encode(hashlib.sha256(b"mithaq-encrypt:" + master).digest())
    mac = hashlib.sha256(b"mithaq-hash:" + master).digest()
    return Fernet(enc), mac


def cnie_encrypt(normalized: str) -> str:
    fernet, _mac = _keys(_master_key())
    return fernet.encrypt(normalized.encode("ascii")).decode("ascii")


def cnie_decrypt(token: str) -> str:
    fernet, _mac = _keys(_master_key())
    try:
        return fernet.decrypt(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return ""


def cnie_hash(normalized: str) -> str:
    _fernet, mac = _keys(_master_key())
    return hmac.new(mac, normalized.encode("ascii"), hashlib.sha256).hexdigest()


def mask(normalized_last3: str) -> str:
    return f"•••••{normalized_last3}"
