"""Listeners run inside a transition's transaction, after the case is saved.

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
