"""The SMS channel's boundary: one small interface, backends chosen by `MITHAQ_SMS_BACKEND` (a dotted path).

- `ConsoleSmsBackend` (the default, for the demo): prints the message with the number masked.
- `LocmemSmsBackend` (tests): keeps the messages in `notifications.sms.outbox`, like Django's mail outbox.
- `HttpSmsBackend`: an example of a provider reached over HTTP, configured by settings; a real
  provider's backend is a class with the same `send` method (README, Notifications).

A backend raises on failure; the outbox then retries the delivery with back-off like an e-mail. No
backend writes the whole number or the text's secrets to a log (Law 09-08): `phone_mask` only.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from core.phone import phone_mask

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "notifications.sms.ConsoleSmsBackend"

# GSM 03.38 basic alphabet: a message in these characters has 160 per segment (153 when split); any
# other character (Arabic, Tifinagh) makes the whole message UCS-2: 70 per segment (67 when split).
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€")
MAX_SEGMENTS = 2


class SmsError(Exception):
    """A provider refused or could not take a message. `code` is safe to log (no number, no text)."""

    def __init__(self, code: str = ""):
        super().__init__(code)
        self.code = code


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> str:
        """Send `text` to `to` (E.164); return the provider's id of the message. Raise on failure."""
        ...


def segments(text: str) -> int:
    """How many SMS segments the text takes (concatenated messages lose room to their header)."""
    if all(ch in _GSM7 or ch in _GSM7_EXTENDED for ch in text):
        length = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    else:
        # UCS-2 counts UTF-16 code units: characters outside the BMP take two.
        length = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
        single, multi = 70, 67
    if length <= single:
        return 1
    return -(-length // multi)


def fit(text: str, tail: str = "", max_segments: int = MAX_SEGMENTS) -> str:
    """`text` then `tail` (the link), the text shortened with "…" so the whole fits `max_segments`."""
    sep = " " if text and tail else ""
    whole = f"{text}{sep}{tail}"
    if segments(whole) <= max_segments:
        return whole
    cut = len(text)
    while cut > 0 and segments(f"{text[:cut].rstrip()}…{sep}{tail}") > max_segments:
        cut -= 1
    return f"{text[:cut].rstrip()}…{sep}{tail}" if cut else tail


def get_backend() -> SmsBackend:
    return import_string(getattr(settings, "MITHAQ_SMS_BACKEND", "") or DEFAULT_BACKEND)()


def send(to: str, text: str) -> str:
    return get_backend().send(to, text)


class ConsoleSmsBackend:
    """The demo's backend: the message on standard output, the number masked."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> str:
        provider_id = "console-" + uuid.uuid4().hex[:12]
        self.stream.write(
            f"SMS to {phone_mask(to)} ({segments(text)} segment(s), {provider_id}):\n{text}\n\n"
        )
        self.stream.flush()
        logger.info("SMS %s written to the console for %s", provider_id, phone_mask(to))
        return provider_id


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    provider_id: str


# Like django.core.mail.outbox: the messages the locmem backend "sent", for the tests to read.
outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemSmsBackend:
    def send(self, to: str, text: str) -> str:
        provider_id = f"locmem-{len(outbox) + 1}"
        with _outbox_lock:
            outbox.append(SmsMessage(to=to, text=text, provider_id=provider_id))
        return provider_id


class HttpSmsBackend:
    """Example of a provider's HTTP API: POST {"to", "text", "sender"} as JSON with a bearer token to
    `MITHAQ_SMS_HTTP_URL`; the JSON answer's "id" is the provider's id. Adapt the request and the answer
    to the provider's documentation in a subclass, or write a class of your own with the same `send`.
    """

    def __init__(self):
        self.url = getattr(settings, "MITHAQ_SMS_HTTP_URL", "")
        self.token = getattr(settings, "MITHAQ_SMS_HTTP_TOKEN", "")
        self.sender = getattr(settings, "MITHAQ_SMS_SENDER", "")
        self.timeout = getattr(settings, "MITHAQ_SMS_HTTP_TIMEOUT", 10)
        if not self.url:
            raise SmsError("not-configured")

    def request_body(self, to: str, text: str) -> dict:
        body = {"to": to, "text": text}
        if self.sender:
            body["sender"] = self.sender
        return body

    def send(self, to: str, text: str) -> str:
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            self.url,
            data=json.dumps(self.request_body(to, text)).encode(),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            # The provider's error body may quote the number: keep the status code only.
            raise SmsError(f"http {exc.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SmsError(type(exc).__name__) from None
        return str(answer.get("id") or answer.get("message_id") or "")
