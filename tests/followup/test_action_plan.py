"""The action plan's tracking matrix (charter 7.2): seeded from the charter, editable by the follow-up
team only (with history), bound indicators computed, shown publicly at /action-plan/."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core import roles
from core.errors import InvalidInput, TransitionNotAllowed
from demo.loader import DATA_DIR
from followup import action_plan
from followup.charter_report import build_figures
from followup.models import ActionActivity, ActionAxis, ActionIndicator, Status
from tests.followup.conftest import FROM, TO


@pytest.fixture
def plan(world):
    assert action_plan.seed(world.collectivity, DATA_DIR / "action_plan.json") == 6
    return world.collectivity


def test_seed_is_idempotent_and_faithful(plan, world):
    assert action_plan.seed(world.collectivity, DATA_DIR / "action_plan.json") == 0
    axes = ActionAxis.objects.filter(collectivity=plan).order_by("number")
    assert axes.count() == 6
    assert axes[5].title_ar == "دعم المشاركة المواطنية الرقمية"
    adherence = ActionIndicator.objects.get(axis__collectivity=plan, binding="adherence.adherence_rate")
    assert float(adherence.target) == 0.30 and adherence.source == "7.3"
    assert all(i.binding in action_plan.BINDINGS for i in ActionIndicator.objects.exclude(binding=""))


def test_bound_indicators_are_computed(plan, commune, world):
    matrix = action_plan.matrix(plan, FROM, TO)
    rows = {i["binding"]: i for axis in matrix for i in axis["indicators"] if i["binding"]}
    # In [2026-09-01, 2026-10-01) the commune filed F, one Equality Commission opinion, and no petition.
    assert rows["cases.advisory_opinions"]["value"] == 1
    assert rows["cases.petitions_and_opinions"]["value"] == 1
    assert rows["cases.advisory_opinions"]["computed"] is True
    # Two associations registered, one signed and promotes the charter (conftest.py).
    assert rows["adherence.adherence_rate"]["value"] == 0.5
    assert rows["adherence.promoter_rate"]["value"] == 1.0
    assert rows["participation.meetings_held"]["value"] == 0
    # The report carries the matrix.
    report = build_figures(plan, FROM, TO)
    assert [axis["number"] for axis in report["action_plan"]] == [1, 2, 3, 4, 5, 6]


def test_followup_edits_with_history_and_evidence(plan, world):
    actor = world[roles.FOLLOWUP]
    indicator = ActionIndicator.objects.get(axis__collectivity=plan, axis__number=6, number=2)
    assert indicator.binding == ""
    evidence = SimpleUploadedFile("bulletin.pdf", b"%PDF-1.4 items", content_type="application/pdf")
    action_plan.indicator_update(
        actor=actor,
        indicator_id=indicator.pk,
        data={"value": "42", "value_on": datetime.date(2026, 9, 30), "status": Status.IN_PROGRESS},
        evidence=evidence,
    )
    indicator.refresh_from_db()
    assert int(indicator.value) == 42 and indicator.evidence_file
    assert indicator.history.count() == 2
    assert indicator.history.first().history_user == actor
    row = next(
        i
        for axis in action_plan.matrix(plan, FROM, TO)
        for i in axis["indicators"]
        if i["id"] == indicator.pk
    )
    assert (row["value"], row["value_on"], row["computed"]) == (42, "2026-09-30", False)
    # A hand value needs its date; a bad number and an unknown binding are refused, nothing changed.
    with pytest.raises(InvalidInput):
        action_plan.indicator_update(
            actor=actor, indicator_id=indicator.pk, data={"value": "7", "value_on": None}
        )
    with pytest.raises(InvalidInput):
        action_plan.indicator_update(actor=actor, indicator_id=indicator.pk, data={"value": "lots"})
    with pytest.raises(InvalidInput):
        action_plan.indicator_update(actor=actor, indicator_id=indicator.pk, data={"binding": "nothing.here"})
    indicator.refresh_from_db()
    assert int(indicator.value) == 42


def test_only_followup_may_edit(plan, world):
    activity = ActionActivity.objects.filter(axis__collectivity=plan).first()
    for role in (roles.BUREAU, roles.PRESIDENT, roles.CITIZEN):
        with pytest.raises(TransitionNotAllowed):
            action_plan.activity_update(actor=world[role], activity_id=activity.pk, data={"status": "done"})
    with translation.override("en"):
        try:
            action_plan.activity_update(actor=world[roles.BUREAU], activity_id=activity.pk, data={})
        except TransitionNotAllowed as exc:
            assert "follow-up team" in str(exc.message)
    action_plan.activity_update(actor=world[roles.FOLLOWUP], activity_id=activity.pk, data={"status": "done"})
    activity.refresh_from_db()
    assert activity.status == Status.DONE


def test_late_when_the_date_has_passed():
    past = datetime.date(2020, 1, 1)
    assert action_plan.effective_status(Status.IN_PROGRESS, past) == Status.LATE
    assert action_plan.effective_status(Status.DONE, past) == Status.DONE
    assert action_plan.effective_status(Status.NOT_STARTED, None) == Status.NOT_STARTED


def test_public_page_and_staff_pages(plan, world, client):
    page = client.get(reverse("followup:action_plan"), HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 200
    body = page.content.decode()
    assert "إنشاء مجلس الطفل" in body
    fr = client.get(reverse("followup:action_plan"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Créer le Conseil de l&#x27;enfant" in fr.content.decode()
    assert client.get(reverse("followup:action_plan"), {"from": "soon"}).status_code == 400
    assert client.get(reverse("followup:staff_action_plan")).status_code == 302  # log in first
    client.force_login(world[roles.BUREAU])
    activity = ActionActivity.objects.filter(axis__collectivity=plan).first()
    assert client.get(reverse("followup:staff_action_plan")).status_code == 403
    assert client.get(reverse("followup:staff_activity_edit", args=[activity.pk])).status_code == 403
    client.force_login(world[roles.FOLLOWUP])
    assert client.get(reverse("followup:staff_action_plan")).status_code == 200
    data = {
        "title_ar": activity.title_ar,
        "title_fr": activity.title_fr,
        "owner_ar": "",
        "owner_fr": "",
        "starts_on": "",
        "ends_on": "2026-12-31",
        "status": "in_progress",
        "note": "",
    }
    answer = client.post(reverse("followup:staff_activity_edit", args=[activity.pk]), data)
    assert answer.status_code == 302
    activity.refresh_from_db()
    assert activity.ends_on == datetime.date(2026, 12, 31)
    indicator = ActionIndicator.objects.filter(axis__collectivity=plan, binding="").first()
    form = {
        "title_ar": indicator.title_ar,
        "title_fr": indicator.title_fr,
        "binding": "",
        "value": "12",
        "value_on": "2026-11-01",
        "status": "in_progress",
        "evidence_link": "https://example.org/minutes",
        "evidence_file": io.BytesIO(b"a,b\n1,2\n"),
    }
    form["evidence_file"].name = "counts.csv"
    answer = client.post(reverse("followup:staff_indicator_edit", args=[indicator.pk]), form)
    assert answer.status_code == 302
    evidence = client.get(reverse("followup:action_plan_evidence", args=[indicator.pk]))
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == b"a,b\n1,2\n"
    public = client.get(reverse("followup:action_plan")).content.decode()
    assert "https://example.org/minutes" in public
