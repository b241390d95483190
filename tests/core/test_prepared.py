"""Statements compiled once (core/prepared.py, issue 14): the lock, the desk's read and the prepared
INSERTs return and write what the ORM would."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords as UpstreamHistoricalRecords

from cases import services
from cases.models import Case
from cases.services.record import lock
from core.errors import NotFound
from core.prepared import insert_row
from notifications.models import OutboxEvent
from workflows.desk import _active_task_list, active_tasks

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_lock_returns_the_case_as_the_orm_reads_it(world):
    case = world.case_in("under_review", "proposal")
    with transaction.atomic():
        locked = lock(case.pk)
    expected = Case.objects.select_related("collectivity").get(pk=case.pk)
    assert model_to_dict(locked) == model_to_dict(expected)
    assert locked.audit_head == expected.audit_head and locked.state_entered_at == expected.state_entered_at
    # The collectivity came with the case (no second query) and only the case's row is locked.
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        again = lock(case.pk)
        assert again.collectivity.pk == case.collectivity_id
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1
    if connection.vendor == "postgresql":
        assert 'FOR UPDATE OF "cases_case"' in selects[0]


@pytest.mark.parametrize("bad", [0, -1, 2**31, 2**62, 2**70])
def test_an_id_no_case_has_is_not_found(world, bad):
    with transaction.atomic(), pytest.raises(NotFound):
        lock(bad)


def test_the_desks_read_equals_the_querysets(world):
    case = world.case_in("in_committee", "proposal")
    prepared = _active_task_list(case.pk)
    assert [t.pk for t in prepared] == [t.pk for t in active_tasks(case.pk)]
    assert prepared[0].process.flow_class is active_tasks(case.pk)[0].process.flow_class


def test_insert_row_writes_what_save_writes(world):
    case = world.case_in("submitted", "proposal")
    fields = {"event": "case.test", "subject_id": case.pk, "payload": {"a": [1, "é"]}}
    prepared = OutboxEvent(**fields)
    insert_row(prepared, returning=True)
    saved = OutboxEvent.objects.create(**fields)
    assert prepared.pk is not None and not prepared._state.adding
    a, b = OutboxEvent.objects.get(pk=prepared.pk), OutboxEvent.objects.get(pk=saved.pk)
    ignore = {"id", "created_at", "next_attempt_at"}
    assert {k: v for k, v in model_to_dict(a).items() if k not in ignore} == {
        k: v for k, v in model_to_dict(b).items() if k not in ignore
    }


def test_the_history_row_is_the_one_simple_history_writes(world):
    """The prepared history INSERT (core/history.py) against upstream's create_historical_record."""
    case = world.case_in("under_review", "proposal")
    case = services.case_transition(
        actor=world["bureau"],
        case=case,
        name="refer_to_committee",
        data=world.payload_for("refer_to_committee"),
    )
    ours = case.history.order_by("-history_id").first()
    case._history_user = world["bureau"]
    case._history_date = ours.history_date
    case._change_reason = ours.history_change_reason
    # Upstream's own method on the same HistoricalRecords instance.
    manager = _records_of(Case)
    UpstreamHistoricalRecords.create_historical_record(manager, case, "~")
    theirs = case.history.order_by("-history_id").first()
    assert theirs.history_id != ours.history_id
    ignore = {"history_id"}
    mine = {f.attname: getattr(ours, f.attname) for f in type(ours)._meta.concrete_fields}
    upstream = {f.attname: getattr(theirs, f.attname) for f in type(theirs)._meta.concrete_fields}
    assert {k: v for k, v in mine.items() if k not in ignore} == {
        k: v for k, v in upstream.items() if k not in ignore
    }


def _records_of(model):
    from django.db.models.signals import post_save

    for receiver in post_save._live_receivers(model)[0]:
        owner = getattr(receiver, "__self__", None)
        if isinstance(owner, UpstreamHistoricalRecords):
            return owner
    raise AssertionError("no HistoricalRecords listens to the model's saves")
