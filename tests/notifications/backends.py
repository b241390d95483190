"""An e-mail backend whose SMTP server is down: the only thing these tests fake (docs/architecture.md, house
rules: mock only
what crosses the process boundary)."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class SMTPDownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed: user@example.org")
