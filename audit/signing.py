"""Ed25519 signing of the daily digests (README: audit integrity).

The private key comes from the environment (`MITHAQ_AUDIT_SIGNING_KEY`: base64 of the raw 32-byte
key, or a PEM block). Anyone can check a signature with the public key; the key id is the start
of the public key's sha256, so a digest names the key that signed it and survives a rotation."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "ed25519"


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    public_key: str  # base64 of the raw 32 bytes

    @property
    def pem(self) -> str:
        raw = base64.b64decode(self.public_key)
        return (
            Ed25519PublicKey.from_public_bytes(raw)
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )


def key_id_of(public_raw: bytes) -> str:
    """Fingerprint of a public key: the first 16 hex digits of its sha256."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def _public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_private_key(text: str) -> Ed25519PrivateKey:
    text = (text or "").strip()
    if not text:
        raise ImproperlyConfigured("MITHAQ_AUDIT_SIGNING_KEY is not set: digests cannot be signed.")
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.replace("\\n", "\n").encode("ascii"), password=None)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured("MITHAQ_AUDIT_SIGNING_KEY is not a readable PEM private key.") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("MITHAQ_AUDIT_SIGNING_KEY must be an Ed25519 key.")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("MITHAQ_AUDIT_SIGNING_KEY must be base64 or PEM.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(
            "MITHAQ_AUDIT_SIGNING_KEY must hold 32 bytes (base64 of a raw Ed25519 key)."
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


def parse_public_key(text: str) -> PublicKey:
    """A public key given as base64 of the raw 32 bytes or as PEM."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.replace("\\n", "\n").encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ImproperlyConfigured("Audit public keys must be Ed25519 keys.")
        raw = _public_raw(key)
    else:
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured("An audit public key must be base64 or PEM.") from exc
        if len(raw) != 32:
            raise ImproperlyConfigured("An audit public key must hold 32 bytes.")
    return PublicKey(key_id=key_id_of(raw), public_key=base64.b64encode(raw).decode("ascii"))


@lru_cache(maxsize=4)
def _signer(text: str) -> tuple[Ed25519PrivateKey, PublicKey]:
    key = load_private_key(text)
    raw = _public_raw(key.public_key())
    return key, PublicKey(key_id=key_id_of(raw), public_key=base64.b64encode(raw).decode("ascii"))


def is_development_key() -> bool:
    return (settings.MITHAQ_AUDIT_SIGNING_KEY or "").strip() == settings.DEV_AUDIT_SIGNING_KEY


def current_key() -> PublicKey:
    return _signer(settings.MITHAQ_AUDIT_SIGNING_KEY)[1]


def trusted_keys() -> dict[str, PublicKey]:
    """The keys whose signatures verify_audit accepts: the current one and the retired ones named
    in `MITHAQ_AUDIT_PREVIOUS_PUBLIC_KEYS`, by key id."""
    keys = {
        k.key_id: k
        for k in (parse_public_key(t) for t in settings.MITHAQ_AUDIT_PREVIOUS_PUBLIC_KEYS if t.strip())
    }
    if (settings.MITHAQ_AUDIT_SIGNING_KEY or "").strip():
        current = current_key()
        keys[current.key_id] = current
    return keys


def sign(message: bytes) -> tuple[str, str]:
    """(key id, base64 signature) of `message` with the configured key."""
    key, public = _signer(settings.MITHAQ_AUDIT_SIGNING_KEY)
    return public.key_id, base64.b64encode(key.sign(message)).decode("ascii")


def verify(public_key: str, message: bytes, signature: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def generate() -> tuple[str, PublicKey]:
    """A new private key (base64 raw) and its public key, for `manage.py audit_signing_key`."""
    key = Ed25519PrivateKey.generate()
    raw_private = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = _public_raw(key.public_key())
    return base64.b64encode(raw_private).decode("ascii"), PublicKey(
        key_id=key_id_of(raw_public), public_key=base64.b64encode(raw_public).decode("ascii")
    )
