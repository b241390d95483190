"""The staff forms of the notices: a paper notification, a posting on the notice board."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notices.models import CaseNotification
from notices.services import PAPER_CHANNELS, REGISTERED_NUMBER_MAX


class NotificationForm(forms.Form):
    recipient_role = forms.ChoiceField(label=_("Recipient"), choices=CaseNotification.RecipientRole.choices)
    channel = forms.ChoiceField(
        label=_("How"), choices=[(c.value, c.label) for c in CaseNotification.Channel if c in PAPER_CHANNELS]
    )
    registered_number = forms.CharField(
        label=_("Registered mail number"), max_length=REGISTERED_NUMBER_MAX, required=False
    )
    sent_at = forms.DateTimeField(
        label=_("Sent or handed over on"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    received_at = forms.DateTimeField(
        label=_("Received on (signature or return receipt)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class PostingForm(forms.Form):
    posted_on = forms.DateField(
        label=_("Posted on the board on"), widget=forms.DateInput(attrs={"type": "date"})
    )
