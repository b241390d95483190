"""What every write of a case shares: the row lock, the audit entry and outbox of an action, the
register's cache stamp, the lookups of organisation ids."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import router, transaction
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from audit.services import audit_entry_append
from cases import hooks, register_cache
from cases.models import Case
from core.errors import NotFound
from core.history import history_stamp
from core.prepared import PreparedQuery, fetch_together, update_row
from notifications.services import outbox_enqueue
from organisation.models import Committee, CouncilSession, Service

# A transition's payload names its committee, session or service by id: each read compiled once
# (core/prepared.py), within the case's collectivity.
_LOOKUPS = {
    kind: PreparedQuery(
        lambda pk, collectivity_id, model=model: model.objects.filter(pk=pk, collectivity_id=collectivity_id),
        arity=2,
    )
    for kind, model in (("committee", Committee), ("session", CouncilSession), ("service", Service))
}


def lookups_for(collectivity_id: int):
    def lookup(kind: str, raw):
        if isinstance(raw, Mapping):
            raw = raw.get("id")
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            return None
        try:
            pk = int(raw)
        except (TypeError, ValueError, OverflowError):
            return None
        if pk <= 0 or pk > 2**62:
            return None
        found = _LOOKUPS[kind].fetch(pk, collectivity_id)
        return found[0] if found else None

    return lookup


def actor_label(user) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def actor_role(user) -> str:
    """The role an action is recorded under when the action has no role of its own: the actor's
    first group by name."""
    return next(iter(sorted(user.group_names())), "")


def append_action(
    case: Case,
    *,
    name: str,
    actor,
    role: str,
    at,
    justification: str = "",
    public=None,
    private=None,
    decision=None,
):
    """An audited action that is not a transition (progress, correction, outcome): same chain, same outbox."""
    entry = audit_entry_append(
        case_id=case.pk,
        prev_hash=case.audit_head,
        prev_count=case.audit_count,
        transition=name,
        from_state=case.state,
        to_state=case.state,
        actor_id=actor_label(actor),
        role=role,
        at=at,
        justification=justification,
        payload={"public": public or {}, "private": private or {}},
        decision=decision,
    )
    case.audit_head = entry.hash
    case.audit_count = entry.seq
    history_stamp(case, user=actor, at=at, reason=f"action:{name}")
    case.save()
    register_changed(case)
    outbox_enqueue(
        event=f"case.{name}",
        subject_id=case.pk,
        at=at,
        payload={"reference": case.reference, "action": name, "state": case.state, "entry": entry.seq},
    )
    return entry


def register_changed(case: Case) -> None:
    """The register's cached counts and years are recounted after this write. Dropped now, so this
    transaction's own reads count again, and once more on commit, so that a figure another request
    counted in between from the old rows is not kept."""
    collectivity_id = case.collectivity_id
    register_cache.invalidate(collectivity_id)
    transaction.on_commit(lambda: register_cache.invalidate(collectivity_id))


# The case's row, locked, with its collectivity (the guards' settings) in the same query, compiled
# once (core/prepared.py). Only the case's row is locked (`of`): transitions of other cases of the
# same collectivity do not wait for each other.
_LOCK = PreparedQuery(
    lambda pk: Case.objects.select_for_update(of=("self",)).select_related("collectivity").filter(pk=pk)
)


def lock(case_id: int, *, companions: bool = False) -> Case:
    """The case's row, locked for the rest of the transaction. With `companions`, the reads other
    rooms registered (cases.hooks.register_lock_companion) travel with the lock, in one round trip,
    and are left on the case: what a transition does."""
    if isinstance(case_id, bool) or not isinstance(case_id, int):
        # The prepared statement takes an integer; anything else goes through the ORM's own checks.
        try:
            return Case.objects.select_for_update(of=("self",)).select_related("collectivity").get(pk=case_id)
        except (Case.DoesNotExist, ValueError, TypeError):
            raise NotFound(_("No such case.")) from None
    extra = hooks.lock_companions() if companions else []
    found, *read = fetch_together((_LOCK, (case_id,)), *((query, keys(case_id)) for query, keys, _ in extra))
    if not found:
        raise NotFound(_("No such case."))
    for (_query, _keys, attach), instances in zip(extra, read, strict=True):
        attach(found[0], instances)
    return found[0]


def _case_columns() -> list[str]:
    columns = Case.__dict__.get("_mithaq_columns")
    if columns is None:
        columns = [f.attname for f in Case._meta.concrete_fields if not f.primary_key]
        Case._mithaq_columns = columns
    return columns


def loaded_values(case: Case) -> tuple:
    """The case's column values as read (every one a plain value: Case has no mutable columns)."""
    return tuple(getattr(case, name) for name in _case_columns())


def changed_fields(case: Case, loaded: tuple) -> list[str]:
    """The columns that differ from `loaded`, for save(update_fields=...)."""
    return [
        name for name, before in zip(_case_columns(), loaded, strict=True) if getattr(case, name) != before
    ]


def _state_moved() -> None:
    # What django-fsm's ConcurrentTransitionMixin raises when the state changed since it was read.
    raise ConcurrentTransition("The state has been changed since it was read.")


def save_transitioned(case: Case, loaded: tuple, from_state: str) -> None:
    """Save a transitioned case as `case.save(update_fields=<the changed columns>)` would, with the
    check of django-fsm's ConcurrentTransitionMixin (the row must still be in `from_state`), in one
    UPDATE compiled once (core/prepared.py) that joins the transition's write batch: the row lock
    already guarantees the match, which the batch still verifies when it is sent."""
    fields = changed_fields(case, loaded)
    using = router.db_for_write(Case, instance=case)
    update_fields = frozenset(fields)
    pre_save.send(sender=Case, instance=case, raw=False, using=using, update_fields=update_fields)
    update_row(case, fields, expect={"state": from_state}, on_missing=_state_moved, using=using)
    case._state.adding, case._state.db = False, using
    case._update_initial_state()
    post_save.send(
        sender=Case, instance=case, created=False, update_fields=update_fields, raw=False, using=using
    )


def case_id_for(case: Case | str | int) -> int:
    """The primary key of a case given as an instance, a primary key or a reference; NotFound for
    an unknown reference or anything else (a reference with NUL cannot even be compared)."""
    if isinstance(case, Case):
        return case.pk
    if isinstance(case, int):
        return case
    found = (
        Case.objects.filter(reference=case).values_list("pk", flat=True).first()
        if isinstance(case, str) and "\x00" not in case
        else None
    )
    if found is None:
        raise NotFound(_("No such case."))
    return found


def locked_for_action(case: Case | str | int) -> Case:
    return lock(case_id_for(case))


def public_case_in(collectivity, case: Case | str | None) -> Case | None:
    """A filed case of this collectivity, given as an instance or a reference: what an opinion may
    be linked to. None when there is no such case."""
    reference = case.reference if isinstance(case, Case) else case
    if not isinstance(reference, str):
        return None
    return Case.objects.public().filter(reference=reference, collectivity=collectivity).first()
