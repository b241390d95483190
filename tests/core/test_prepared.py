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


# Write batches and the case's prepared UPDATE ------------------------------------------------------


def test_save_transitioned_writes_what_save_writes(world):
    """The case's UPDATE after a transition (cases.services.record.save_transitioned) against Django's
    save(update_fields=...) through django-fsm, on two cases walked the same way."""
    from cases.services.record import changed_fields, loaded_values, save_transitioned

    ours, theirs = world.case_in("under_review", "proposal"), world.case_in("under_review", "proposal")
    committee = world.committee
    changes = []
    for case, save in ((ours, "prepared"), (theirs, "orm")):
        history = case.history.count()
        before = model_to_dict(Case.objects.get(pk=case.pk))
        with transaction.atomic():
            locked = lock(case.pk)
            loaded = loaded_values(locked)
            locked.refer_to_committee()
            locked.committee = committee
            locked.report = "Ré"
            if save == "prepared":
                save_transitioned(locked, loaded, "under_review")
            else:
                locked.save(update_fields=changed_fields(locked, loaded))
        after = model_to_dict(Case.objects.get(pk=case.pk))
        changes.append({k: v for k, v in after.items() if v != before[k]})
        # Both wrote one history row, the one simple-history writes for the save.
        assert case.history.count() == history + 1
    assert changes[0] == changes[1]
    rows = changes
    assert rows[0]["state"] == "in_committee" and rows[0]["report"] == "Ré"


def test_save_transitioned_refuses_a_state_that_moved(world):
    """The check of django-fsm's ConcurrentTransitionMixin: the row must still be in the state read."""
    from django_fsm import ConcurrentTransition

    from cases.services.record import loaded_values, save_transitioned
    from core.prepared import write_batch

    case = world.case_in("under_review", "proposal")
    history = case.history.count()
    for batched in (False, True):
        with pytest.raises(ConcurrentTransition), transaction.atomic():
            locked = lock(case.pk)
            loaded = loaded_values(locked)
            locked.refer_to_committee()
            locked.committee = world.committee
            if batched:
                with write_batch():
                    save_transitioned(locked, loaded, "submitted")
            else:
                save_transitioned(locked, loaded, "submitted")
        assert Case.objects.get(pk=case.pk).state == "under_review"
        assert case.history.count() == history


def test_a_write_batch_sends_its_statements_together_when_it_closes(world):
    from core.prepared import write_batch

    case = world.case_in("submitted", "proposal")
    rows = [OutboxEvent(event=f"case.batch{i}", subject_id=case.pk, payload={"i": i}) for i in range(3)]
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        with write_batch():
            for row in rows:
                insert_row(row, returning=True)
            if connection.vendor == "postgresql":
                # Queued: nothing sent yet, no key yet.
                assert not [q for q in ctx.captured_queries if "notifications_outboxevent" in q["sql"]]
                assert rows[0].pk is None
        assert all(row.pk for row in rows)
    writes = [q["sql"] for q in ctx.captured_queries if "notifications_outboxevent" in q["sql"]]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 3)
    assert sorted(
        OutboxEvent.objects.filter(event__startswith="case.batch").values_list("pk", flat=True)
    ) == sorted(row.pk for row in rows)
    assert [OutboxEvent.objects.get(pk=row.pk).payload for row in rows] == [{"i": 0}, {"i": 1}, {"i": 2}]


def test_a_failing_block_sends_nothing_and_an_error_in_the_batch_rolls_back_all(world):
    from django.db import IntegrityError
    from django.utils import timezone

    from audit.models import TransitionEntry
    from audit.services import audit_entry_append
    from core.prepared import write_batch

    case = world.case_in("submitted", "proposal")
    before = OutboxEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), write_batch():
        insert_row(OutboxEvent(event="case.lost", subject_id=case.pk, payload={}), returning=True)
        raise RuntimeError("refused")
    assert OutboxEvent.objects.count() == before
    # A statement the database refuses (a second audit entry at the same place of the chain) fails
    # the whole batch: the outbox row queued before it is not written either.
    entries = TransitionEntry.objects.filter(case_id=case.pk).count()
    at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic(), write_batch():
        insert_row(OutboxEvent(event="case.ok", subject_id=case.pk, payload={}), returning=True)
        for _ in range(2):
            audit_entry_append(
                case_id=case.pk, prev_hash=case.audit_head, prev_count=case.audit_count, transition="note",
                from_state=case.state, to_state=case.state, actor_id=None, role="bureau", at=at,
            )  # fmt: skip
    assert OutboxEvent.objects.count() == before
    assert TransitionEntry.objects.filter(case_id=case.pk).count() == entries
