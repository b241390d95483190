"""Two users completing the same task at once, on PostgreSQL: one succeeds, one gets a clear conflict."""

import threading

import pytest
from django.db import connection

from cases import services
from core import errors
from tests.factories import UserFactory, World
from workflows import services as desk_services
from workflows.desk import active_tasks
from workflows.invariant import violations

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(fns):
    barrier = threading.Barrier(len(fns))
    results = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except errors.DomainError as exc:
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_users_complete_the_same_task():
    world = World()
    case = world.case_in("in_committee", "proposal")
    other = UserFactory(username="committee2", groups=["committee"])
    world.committee.members.add(other)
    payload = world.payload_for("report")
    results = _race(
        [
            lambda: services.case_transition(
                actor=world["committee"], case=case.reference, name="report", data=payload
            ),
            lambda: services.case_transition(actor=other, case=case.reference, name="report", data=payload),
        ]
    )
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["error", "ok"], results
    failure = next(r[1] for r in results if r[0] == "error")
    assert failure.http_status == 409
    assert list(violations([case.pk])) == []
    assert active_tasks(case.pk).get().flow_task.name == "agenda"


def test_two_users_take_the_same_task():
    world = World()
    case = world.case_in("submitted", "proposal")
    other = UserFactory(username="bureau2", groups=["bureau"])
    task = active_tasks(case.pk).get()
    results = _race(
        [
            lambda: desk_services.task_take(user=world["bureau"], task_id=task.pk),
            lambda: desk_services.task_take(user=other, task_id=task.pk),
        ]
    )
    assert sorted(r[0] for r in results) == ["error", "ok"], results
    assert next(r[1] for r in results if r[0] == "error").http_status == 409
