"""The facilitator hears what happened to the Children's Council's recommendation (docs/domain.md
§3.4): subject type "children_summary" for notifications.registry, registered from the app's ready()."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Case
from core import roles
from notifications.registry import Recipient, register_subject


class ChildrenSummaryNotifications:
    def _case(self, subject_id: int) -> Case | None:
        return Case.objects.select_related("collectivity", "child_summary").filter(pk=subject_id).first()

    def recipients(self, subject_id: int, event: str, payload: dict) -> list[Recipient]:
        case = self._case(subject_id)
        if case is None:
            return []
        users = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=roles.CHILDREN_COUNCIL)
            .filter(Q(collectivity__isnull=True) | Q(collectivity_id=case.collectivity_id))
        )
        if case.submitter_id:
            users = users | get_user_model().objects.filter(pk=case.submitter_id, is_active=True)
        return [
            Recipient.for_user(user_id=u.pk, email=u.email, language=getattr(u, "language", "") or "ar")
            for u in users.distinct().order_by("pk")
        ]

    def context(self, subject_id: int, event: str, payload: dict, language: str) -> dict:
        case = self._case(subject_id)
        summary = getattr(case, "child_summary", None) if case else None
        text = summary.text if summary else ""
        reference = payload.get("reference", "")
        return {
            "template": "children_summary",
            "subject": _("What happened to your recommendation %(reference)s") % {"reference": reference},
            "summary": text,
            "reference": reference,
            "title": case.title if case else "",
            "collectivity": case.collectivity.name if case else "",
            "child_summary": text,
            "url_path": self.describe(subject_id, language).get("url_path", ""),
        }

    def exists(self, subject_id: int) -> bool:
        return Case.objects.public().filter(pk=subject_id, kind="children_recommendation").exists()

    def find(self, reference: str) -> int | None:
        return None  # followers follow the case itself

    def describe(self, subject_id: int, language: str) -> dict:
        row = Case.objects.filter(pk=subject_id).values("reference", "title").first()
        if row is None:
            return {}
        return {**row, "url_path": reverse("public:case", kwargs={"reference": row["reference"]})}


def register() -> None:
    register_subject("children_summary", ChildrenSummaryNotifications())
