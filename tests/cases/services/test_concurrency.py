"""docs/domain.md §3.5: a concurrent second attempt on the same case gets a clear conflict, never a lost
update; concurrent filings get distinct, gapless references. PostgreSQL only: SQLite has no row
locks (docs/architecture.md, house rules)."""

import threading

import pytest
from django.db import connection

from accounts.models import User
from audit.models import TransitionEntry
from cases import services
from cases.models import Case, ReferenceCounter
from core import errors
from notifications.models import OutboxEvent
from tests.cases.conftest import verify_audit
from tests.factories import World

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls, timeout=30):
    """Run each call in its own thread, released at once by a barrier; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=timeout)
            results[i] = call()
        except BaseException as exc:  # handed to the test, which asserts on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return results


@pytest.mark.parametrize(
    ("first", "second", "handle"),
    [
        # By primary key, the second start_review finds the case under review: 409 invalid_transition.
        ("start_review", "start_review", "pk"),
        # With the instance the user saw, any second writer is told of the conflict: 409 conflict.
        # (By primary key these pairs could both succeed one after the other, legitimately.)
        ("start_review", "start_review", "instance"),
        ("declare_inadmissible", "start_review", "instance"),
        ("withdraw", "start_review", "instance"),
    ],
)
def test_two_transitions_on_one_case_at_once(first, second, handle):
    world = World()
    case = world.case_in("submitted", "proposal")
    ref = case if handle == "instance" else case.pk

    def attempt(name):
        actor = User.objects.get(pk=world.actor_for(name, case).pk)
        return lambda: services.case_transition(
            actor=actor, case=ref, name=name, data=world.payload_for(name)
        )

    results = run_together(attempt(first), attempt(second))

    done = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if not isinstance(r, Case)]
    assert len(done) == 1, results
    assert len(refused) == 1, results
    assert isinstance(refused[0], errors.ConcurrentUpdate | errors.InvalidTransition), repr(refused[0])
    assert refused[0].http_status == 409
    if handle == "instance":
        # The caller showed the user "submitted": whoever comes second is told of the conflict.
        assert isinstance(refused[0], errors.ConcurrentUpdate)

    winner = Case.objects.get(pk=case.pk)
    assert winner.state == done[0].state
    assert winner.audit_count == 2
    assert TransitionEntry.objects.filter(case=case).count() == 2
    assert OutboxEvent.objects.filter(subject_id=case.pk, event="case.transition").count() == 2
    verify_audit()


def test_fifty_concurrent_filings_get_gapless_references():
    world = World()
    citizen_pk = world["citizen"].pk

    def files_five():
        actor = User.objects.get(pk=citizen_pk)
        return [
            services.case_create(
                actor=actor,
                kind="proposal",
                title=f"Proposal {n}",
                description="Benches in the public garden.",
            )[0].reference
            for n in range(5)
        ]

    results = run_together(*[files_five for _ in range(10)])

    assert not [r for r in results if isinstance(r, BaseException)], results
    references = [ref for batch in results for ref in batch]
    assert len(references) == len(set(references)) == 50
    cases = Case.objects.filter(kind="proposal", collectivity=world.collectivity)
    assert sorted(cases.values_list("sequence", flat=True)) == list(range(1, 51))
    (counter,) = ReferenceCounter.objects.filter(collectivity=world.collectivity, kind="proposal")
    assert counter.last == 50
    assert set(cases.values_list("state", flat=True)) == {"submitted"}
    verify_audit()


def test_concurrent_filings_of_different_kinds_number_independently():
    world = World()

    def files(kind):
        actor = User.objects.get(pk=world.filer_for(kind).pk)
        return lambda: [
            services.case_create(
                actor=actor, kind=kind, title="Title", description="Description", draft=True
            )[0].sequence
            for _ in range(5)
        ]

    results = run_together(files("proposal"), files("proposal"), files("advisory_opinion"), files("petition"))
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(results[0] + results[1]) == list(range(1, 11))
    assert results[2] == [1, 2, 3, 4, 5]
    assert results[3] == [1, 2, 3, 4, 5]
