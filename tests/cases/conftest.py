"""Shared lifecycle fixtures.

`stage` builds one World and one case in every reachable (kind, state) once per module, inside a
transaction rolled back when the module ends; each test still runs in its own savepoint (the `db`
fixture), so what a test does is undone before the next one. Building ~50 cases through the
services once per module instead of once per test keeps the full matrix fast.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction

from audit.models import TransitionEntry
from cases.models import Case
from notifications.models import OutboxEvent
from organisation.models import Collectivity
from tests.cases.contract import KIND_STATES
from tests.factories import UserFactory, World

HistoricalCase = Case.history.model


@dataclass(frozen=True)
class Counts:
    """Everything a refused transition must leave untouched."""

    state: str
    audit_count: int
    audit_head: str
    case_entries: int
    entries: int
    case_outbox: int
    outbox: int
    case_history: int
    history: int


def counts(case) -> Counts:
    """One round trip: this runs twice in each of the ~1,300 refusal and matrix tests."""
    pk = case.pk if isinstance(case, Case) else case
    tables = {
        "case": Case._meta.db_table,
        "entry": TransitionEntry._meta.db_table,
        "outbox": OutboxEvent._meta.db_table,
        "history": HistoricalCase._meta.db_table,
    }
    sql = (  # noqa: S608 - only table names from the models' _meta are interpolated
        "SELECT c.state, c.audit_count, c.audit_head,"
        " (SELECT COUNT(*) FROM {entry} e WHERE e.case_id = c.id), (SELECT COUNT(*) FROM {entry}),"
        " (SELECT COUNT(*) FROM {outbox} o WHERE o.subject_type = 'case' AND o.subject_id = c.id),"
        " (SELECT COUNT(*) FROM {outbox}),"
        " (SELECT COUNT(*) FROM {history} h WHERE h.id = c.id), (SELECT COUNT(*) FROM {history})"
        " FROM {case} c WHERE c.id = %s"
    ).format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return Counts(*row)


def verify_audit() -> str:
    """Run `manage.py verify_audit`; it raises CommandError if any chain is broken."""
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def few_signatures(world: World, n: int = 3) -> None:
    """Lower the collectivity's petition threshold so walking petitions stays cheap."""
    collectivity = Collectivity.objects.get(pk=world.collectivity.pk)
    collectivity.petition_min_signatures_override = n
    collectivity.save()
    world.collectivity.refresh_from_db()


def sign_for_filing(world: World, case: Case) -> None:
    """Give a citizens' draft petition the signatures `submit` requires (OL 113-14 art. 123)."""
    sign = getattr(world, "sign", None)
    if sign is not None and case.kind == "petition" and case.association_id is None:
        sign(case, Collectivity.objects.get(pk=case.collectivity_id).petition_min_signatures)


@dataclass
class Stage:
    world: World
    case_ids: dict[tuple[str, str], int]
    superuser: object
    # Petitions and proposals registered at the desk for a person without an account.
    desk_case_ids: dict[tuple[str, str], int]

    def case(self, kind: str, state: str) -> Case:
        """A fresh instance each time: module-level instances must never carry a test's changes."""
        return Case.objects.select_related("submitter", "collectivity").get(pk=self.case_ids[(kind, state)])

    def case_for(self, role: str, kind: str, state: str) -> Case:
        """The desk acts only on cases it registered: its own case where the stage has one."""
        if role == "intake" and (kind, state) in self.desk_case_ids:
            return Case.objects.select_related("submitter", "collectivity").get(
                pk=self.desk_case_ids[(kind, state)]
            )
        return self.case(kind, state)

    def actor(self, who: str, case: Case | None = None):
        if who == "anonymous":
            return AnonymousUser()
        if who == "superuser":
            return self.superuser
        if who == "submitter":
            return case.submitter
        return self.world.users[who]


@pytest.fixture(scope="module")
def stage(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = World()
        few_signatures(world)
        superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
        case_ids = {(kind, state): world.case_in(state, kind).pk for kind, state in KIND_STATES}
        # The draft petition is ready to be filed: the lifecycle tests are about the table, not
        # about collecting signatures.
        sign_for_filing(world, Case.objects.get(pk=case_ids[("petition", "draft")]))
        desk_case_ids = {
            (kind, state): world.case_in(state, kind, actor=world["intake"], submitter_name="Fatima Zahra").pk
            for kind in ("petition", "proposal")
            for state in ("draft", "awaiting_information")
        }
        sign_for_filing(world, Case.objects.get(pk=desk_case_ids[("petition", "draft")]))
        yield Stage(world=world, case_ids=case_ids, superuser=superuser, desk_case_ids=desk_case_ids)
        transaction.set_rollback(True)
