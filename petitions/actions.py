"""The two steps every petition write shares: lock the case, then record the action in its chain."""

from __future__ import annotations

from cases import services
from cases.models import Case
from core import roles


def lock(case: Case | str | int) -> Case:
    """The case row locked for this write; NotFound for an unknown reference."""
    return services.locked_for_action(case)


def record_action(case: Case, name: str, actor, at, public: dict, justification: str = "") -> None:
    role = ""
    if actor is not None:
        groups = actor.group_names()
        role = next(
            (g for g in (roles.BUREAU, roles.INTAKE, roles.CITIZEN, roles.ASSOCIATION) if g in groups), ""
        )
    services.append_action(
        case, name=name, actor=actor, role=role, at=at, public=public, justification=justification
    )
