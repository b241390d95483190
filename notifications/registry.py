"""Who hears about an event and what the message says, per subject type.

notifications knows nothing of cases (docs/architecture.md, dependencies): the app that owns a subject
registers a
resolver that turns `(subject_id, event, payload)` into recipients and plain message context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Recipient:
    """One person to notify. `key` is stable across retries: it is part of the idempotency key."""

    key: str
    email: str = ""
    language: str = "ar"
    user_id: int | None = None
    # Set for anonymous followers: their e-mails carry a one-click unsubscribe link (RFC 8058).
    unsubscribe_token: str = ""
    # E.164 (core.phone). Used when `sms` is set (the person's choice) or when there is no e-mail.
    phone: str = ""
    sms: bool = False

    @classmethod
    def for_user(
        cls, *, user_id: int, email: str, language: str, phone: str = "", sms: bool = False
    ) -> Recipient:
        return cls(
            key=f"user:{user_id}",
            email=email or "",
            language=normalize_language(language),
            user_id=user_id,
            phone=phone or "",
            sms=sms,
        )

    @classmethod
    def for_phone(cls, *, key: str, phone: str, language: str) -> Recipient:
        """Someone without an account nor an e-mail address, e.g. a desk filer: SMS only. `key` must not
        hold the number (it is shown to staff in the admin)."""
        return cls(key=key, language=normalize_language(language), phone=phone, sms=True)

    @property
    def wants_sms(self) -> bool:
        return bool(self.phone) and (self.sms or not (self.email or "").strip())

    @classmethod
    def for_email(cls, *, email: str, language: str, unsubscribe_token: str = "") -> Recipient:
        return cls(
            key=f"email:{email.strip().lower()}",
            email=email.strip(),
            language=normalize_language(language),
            unsubscribe_token=unsubscribe_token,
        )


class SubjectResolver(Protocol):
    def recipients(self, subject_id: int, event: str, payload: dict) -> list[Recipient]: ...

    def context(self, subject_id: int, event: str, payload: dict, language: str) -> dict:
        """Plain, already translated data for the message templates.

        Must hold `subject` (the e-mail subject / in-app title), `summary` (one line for the in-app
        centre) and `url_path` (where the reader goes next); anything else the event's templates use.
        May hold `sms_text` and `sms_path` (the short text and link of an SMS; else `summary` and
        `url_path`).
        """
        ...

    def exists(self, subject_id: int) -> bool: ...

    def find(self, reference: str) -> int | None:
        """The id of the followable subject with this public reference, or None."""
        ...

    def describe(self, subject_id: int, language: str) -> dict:
        """`reference`, `title` and `url_path` of a subject, for the follow pages and e-mails."""
        ...


class UnknownSubjectType(LookupError):
    pass


_RESOLVERS: dict[str, SubjectResolver] = {}

LANGUAGES = ("ar", "fr", "zgh")  # zgh: untranslated text falls back to Arabic


def normalize_language(language: str | None) -> str:
    code = (language or "").split("-")[0].lower()
    return code if code in LANGUAGES else LANGUAGES[0]


def register_subject(subject_type: str, resolver: SubjectResolver) -> None:
    """Register (or replace, so AppConfig.ready() may run twice) the resolver of a subject type."""
    _RESOLVERS[subject_type] = resolver


def resolver_for(subject_type: str) -> SubjectResolver:
    try:
        return _RESOLVERS[subject_type]
    except KeyError:
        raise UnknownSubjectType(subject_type) from None


# Rooms above may learn that a message was delivered or read (notices records the notification of
# a decision): fn(kind, delivery) with kind "sent" or "read", after the delivery's own transaction.
_delivery_listeners: list = []


def register_delivery_listener(fn) -> None:
    if fn not in _delivery_listeners:
        _delivery_listeners.append(fn)


def delivery_listeners() -> list:
    return list(_delivery_listeners)
