"""The built-in subject type "follower": the confirmation e-mail of the follow feature."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.models import Follower
from notifications.registry import Recipient, resolver_for


class FollowerResolver:
    def _get(self, subject_id: int) -> Follower | None:
        return Follower.objects.filter(pk=subject_id).first()

    def recipients(self, subject_id: int, event: str, payload: dict) -> list[Recipient]:
        follower = self._get(subject_id)
        if follower is None or follower.is_active:
            return []  # gone, or already confirmed through an earlier e-mail
        return [Recipient.for_email(email=follower.email, language=follower.language)]

    def context(self, subject_id: int, event: str, payload: dict, language: str) -> dict:
        follower = self._get(subject_id)
        with translation.override(language):
            subject = resolver_for(follower.subject_type).describe(follower.subject_id, language)
            reference = subject.get("reference", "")
            confirm_path = reverse("notifications:follow_confirm", args=[follower.token])
            return {
                "reference": reference,
                "title": subject.get("title", ""),
                "subject_url_path": subject.get("url_path", ""),
                "confirm_path": confirm_path,
                "url_path": confirm_path,
                "subject": _("Confirm that you want to follow %(reference)s") % {"reference": reference},
                "summary": _("Confirm that you want to follow %(reference)s") % {"reference": reference},
            }

    def exists(self, subject_id: int) -> bool:
        return Follower.objects.filter(pk=subject_id).exists()

    def find(self, reference: str) -> int | None:
        return None  # a follow request is not itself followable

    def describe(self, subject_id: int, language: str) -> dict:
        return {}
