"""Listeners run inside a transition's transaction, after the case is saved.

On PostgreSQL they run inside the transition's write batch (core/prepared.py): the case's UPDATE,
its audit entry and history row are sent with the listeners' own writes at the end. A listener that
reads those rows back calls core.prepared.flush_writes() first.

workflows registers the desk here (its dependency points to cases, not the other way round);
a listener that raises refuses the whole transition: nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_listeners: list[Callable] = []


@dataclass(frozen=True)
class TransitionEvent:
    case: object
    name: str
    from_state: str
    to_state: str
    actor: object
    at: object


def register_transition_listener(fn: Callable[[TransitionEvent], None]) -> None:
    if fn not in _listeners:
        _listeners.append(fn)


_lock_companions: list[tuple] = []


def register_lock_companion(query, keys: Callable, attach: Callable) -> None:
    """A read a transition needs right after its row lock, sent with the lock in one round trip:
    `query` a core.prepared.PreparedQuery, `keys(case_id)` its keys, `attach(case, instances)` leaves
    what it read on the locked case (the desk's active tasks, for its check)."""
    if all(query is not q for q, _, _ in _lock_companions):
        _lock_companions.append((query, keys, attach))


def lock_companions() -> list[tuple]:
    return list(_lock_companions)


def before_transition(event: TransitionEvent) -> None:
    """Run before the state changes: a listener may refuse (e.g. a task someone else has taken)."""
    for fn in list(_listeners):
        check = getattr(fn, "check", None)
        if check is not None:
            check(event)


def after_transition(event: TransitionEvent) -> None:
    for fn in list(_listeners):
        fn(event)


_case_page_panels: list[Callable] = []


def register_case_page_panel(fn: Callable) -> None:
    """A panel another app adds to the staff case page: fn(request, case) -> {"template", ...} or None."""
    if fn not in _case_page_panels:
        _case_page_panels.append(fn)


def case_page_panels(request, case) -> list[dict]:
    return [panel for fn in _case_page_panels if (panel := fn(request, case))]


_staff_home_sections: list[Callable] = []


def register_staff_home_section(fn: Callable) -> None:
    """A section another app adds to the staff home (/staff/): fn(request) -> {"template", ...} or
    None (the desk adds what waits in the user's inbox)."""
    if fn not in _staff_home_sections:
        _staff_home_sections.append(fn)


def staff_home_sections(request) -> list[dict]:
    return [section for fn in _staff_home_sections if (section := fn(request))]


# Rooms above cases plug their rules into a transition here (docs/architecture.md, hooks): clocks
# restarts the stage clock, petitions records the unmet conditions of an inadmissible petition.
_appliers: list[Callable] = []


def register_transition_applier(fn: Callable) -> None:
    """fn(case, name, values, actor, at), run after the transition's fields are copied onto the case
    and before it is saved; it may set derived columns, write related rows, or refuse by raising."""
    if fn not in _appliers:
        _appliers.append(fn)


def apply_transition(case, name: str, values: dict, actor, at) -> None:
    for fn in list(_appliers):
        fn(case, name, values, actor, at)


_submit_guards: list[Callable] = []


def register_submit_guard(fn: Callable) -> None:
    """fn(case, at) -> {field: [messages]}: conditions a kind adds before a case may be filed."""
    if fn not in _submit_guards:
        _submit_guards.append(fn)


def submit_guard_errors(case, at) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for fn in list(_submit_guards):
        errors.update(fn(case, at))
    return errors


_personal_data_readers: list[Callable] = []


def register_personal_data_access(fn: Callable) -> None:
    """fn(user, attachment): called each time someone opens a document holding personal data
    (Law 09-08: petitions keeps the access log)."""
    if fn not in _personal_data_readers:
        _personal_data_readers.append(fn)


def personal_data_accessed(user, attachment) -> None:
    for fn in list(_personal_data_readers):
        fn(user, attachment)


# Fields a room above adds to the API's case detail (notices: `notifications`, `notified`):
# fn(case, user) -> JSON-ready value. The serializer declares the fields and their schema.
_case_detail_fields: dict[str, Callable] = {}


def register_case_detail_field(name: str, fn: Callable) -> None:
    _case_detail_fields[name] = fn


def case_detail_field(name: str, case, user, default=None):
    fn = _case_detail_fields.get(name)
    return fn(case, user) if fn is not None else default


_committee_due_dates: list[Callable] = []


def register_committee_due_date(fn: Callable) -> None:
    """fn(case, start) -> date | None: when a committee asked at `start` must report, by the
    clocks' committee rule (clocks registers it; cases cannot import the clocks)."""
    if fn not in _committee_due_dates:
        _committee_due_dates.append(fn)


def committee_due_date(case, start):
    for fn in list(_committee_due_dates):
        if (due := fn(case, start)) is not None:
            return due
    return None


_rules_sections: list[Callable] = []


def register_rules_section(fn: Callable) -> None:
    """fn(collectivity) -> {key: value}: what a room above cases adds to the published participation
    rules (GET /api/v1/rules/ and the /rules/ page); clocks adds each stage's deadline and its source."""
    if fn not in _rules_sections:
        _rules_sections.append(fn)


def rules_sections(collectivity) -> dict:
    out: dict = {}
    for fn in list(_rules_sections):
        out.update(fn(collectivity))
    return out
