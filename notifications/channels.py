"""The channels: e-mail (the SMTP boundary), in-app (the Delivery row is the notification) and SMS
(notifications.sms, a backend chosen by settings)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from notifications import sms
from notifications.models import Delivery


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    summary: str
    url_path: str
    sms: str = ""


def site_url() -> str:
    """Base of the absolute links in e-mails (no request exists when a worker sends them)."""
    return getattr(settings, "MITHAQ_SITE_URL", "") or "http://127.0.0.1:8000"


def absolute(path: str) -> str:
    if not path or "://" in path:
        return path
    return site_url().rstrip("/") + "/" + path.lstrip("/")


def template_base(event: str, context: dict) -> str:
    """templates/emails/<name>.txt and .html: the resolver may name the template ("template"),
    otherwise the event names it (`follow.confirm` is written with emails/follow_confirm.*)."""
    return "emails/" + (context.get("template") or event.replace(".", "_"))


def render(event: str, context: dict, language: str) -> Rendered:
    """Render an event's message in one language; the resolver's context is already translated."""
    with translation.override(language):
        ctx = {
            **context,
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "site_url": site_url(),
            "absolute_url": absolute(context.get("url_path", "")),
        }
        base = template_base(event, context)
        text = render_to_string(base + ".txt", ctx)
        html = render_to_string(base + ".html", ctx)
        short = render_sms(context)
    # A header cannot hold a line break (Django refuses it): keep the subject on one line.
    subject = " ".join(str(context["subject"]).split())
    return Rendered(
        subject=subject[:300],
        text=text,
        html=html,
        summary=str(context.get("summary", "")),
        url_path=context.get("url_path", ""),
        sms=short,
    )


def render_sms(context: dict) -> str:
    """The SMS: the resolver's short text (else the summary) and one link, in at most two segments
    (Arabic is UCS-2: 70 characters a segment)."""
    text = " ".join(str(context.get("sms_text") or context.get("summary") or context["subject"]).split())
    link = absolute(context.get("sms_path") or context.get("url_path", ""))
    return sms.fit(text, link)


def send_email(delivery: Delivery) -> None:
    headers = {
        "Content-Language": delivery.language,
        # RFC 3834: an automatic message; out-of-office replies should not answer it.
        "Auto-Submitted": "auto-generated",
    }
    if delivery.unsubscribe_url:
        # RFC 8058 one-click unsubscribe: the mail client POSTs to the link, no page to visit.
        headers["List-Unsubscribe"] = f"<{delivery.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        headers=headers,
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    message.send(fail_silently=False)


def send_inapp(delivery: Delivery) -> None:
    """Nothing leaves the process: marking the row sent makes it visible in the user's centre."""


def send_sms(delivery: Delivery) -> None:
    delivery.provider_id = str(sms.send(delivery.phone, delivery.body) or "")[:100]


SENDERS = {
    Delivery.Channel.EMAIL: send_email,
    Delivery.Channel.INAPP: send_inapp,
    Delivery.Channel.SMS: send_sms,
}


def send(delivery: Delivery) -> None:
    SENDERS[delivery.channel](delivery)


def describe_error(exc: BaseException) -> str:
    """What went wrong, without personal data: SMTP errors often quote the recipient's address."""
    name = type(exc).__name__
    if isinstance(exc, sms.SmsError):
        return f"{name} {exc.code}"[:200]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name} {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _msg in exc.recipients.values()})
        return f"{name} {','.join(str(c) for c in codes)}"
    if isinstance(exc, OSError) and exc.errno:
        return f"{name} errno {exc.errno}"
    return name
