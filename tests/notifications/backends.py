"""An e-mail backend whose SMTP server is down: the only thing these tests fake (docs/architecture.md, house
rules: mock only
what crosses the process boundary)."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class SMTPDownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed: user@example.org")


class SmsDownBackend:
    """An SMS provider that answers 503 (notifications.sms.SmsBackend)."""

    def send(self, to, text):
        from notifications.sms import SmsError

        raise SmsError("http 503")
