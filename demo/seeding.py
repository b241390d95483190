"""`seed_demo`: the Demnate demo (docs/domain.md §11), the commune, its organisation, one user per
role group and back-dated cases in every state, in one transaction.

The whole history is planned first (`demo.planner`), then played (`demo.history`). Seeding is
idempotent: organisation rows and users are looked up by their natural keys and a case already
present (same collectivity, kind and title) is skipped.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from cases import states as S
from cases.models import Case
from demo import committees, organisation, people
from demo.definitions import DEFAULT_PASSWORD, KIND_ORDER, Spec
from demo.history import SeedContext, play
from demo.loader import CASES, DATA_DIR, USERS
from demo.planner import Planner, history_end
from followup import action_plan
from notifications import services as notification_services
from organisation.models import Collectivity


@dataclass
class SeedReport:
    collectivity: Collectivity
    created_cases: int
    already_seeded: bool
    users: list[str]
    password: str
    counts: dict[str, Counter]
    seconds: float
    example: tuple[str, str] | None = None  # a reference and its tracking code, for the tracking page


def seed_demo(
    *,
    password: str = DEFAULT_PASSWORD,
    log: Callable[[str], None] | None = None,
    cases: tuple[Spec, ...] = CASES,
) -> SeedReport:
    """Seed the Demnate demo with `cases`; running it again adds nothing and resets the demo
    passwords."""
    log = log or (lambda _msg: None)
    started = time.monotonic()
    calendar = organisation.session_calendar()
    plans = Planner(end=history_end(), sessions=calendar).plan(cases)
    # The demo's notifications are written (the outbox is part of each transition) but not
    # delivered now: they are months old and addressed to demo accounts.
    paused = getattr(notification_services, "dispatch_paused", contextlib.nullcontext)
    with transaction.atomic(), paused():
        commune, created_org = organisation.collectivity()
        ctx = SeedContext(
            collectivity=commune,
            committees=organisation.committees(commune),
            services=organisation.services(commune),
            sessions=organisation.sessions(commune, calendar),
            associations=organisation.associations(commune),
            users={},
            plans=plans,
        )
        ctx.users = people.users(commune, password)
        people.memberships(commune, ctx.users, ctx.committees, ctx.services, ctx.associations)
        # The action plan's tracking matrix from the charter (charter 7.2; never overwrites edits).
        action_plan.seed(commune, DATA_DIR / "action_plan.json")

        existing = {(c.kind, c.title): c for c in Case.objects.filter(collectivity=commune)}
        todo = []
        for plan in plans:
            found = existing.get((plan.spec.kind, plan.spec.title))
            if found is not None:
                ctx.cases[plan.spec.key] = found
            else:
                todo.append(plan)
        if todo:
            log(f"Playing the histories of {len(todo)} demo case(s)...")
        codes = play(ctx, todo)
        # Several committees (docs/domain.md §3.6): opinions of further committees on a few cases.
        committees.committee_opinions(ctx, todo)
    example = next(
        (
            (ctx.cases[p.spec.key].reference, codes[p.spec.key])
            for p in todo
            if p.spec.state == S.IN_COMMITTEE
        ),
        None,
    )
    counts: dict[str, Counter] = {kind: Counter() for kind in KIND_ORDER}
    for kind, state in Case.objects.filter(collectivity=commune).values_list("kind", "state"):
        counts.setdefault(kind, Counter())[state] += 1
    return SeedReport(
        collectivity=commune,
        created_cases=len(todo),
        already_seeded=not todo and not created_org,
        users=[u.username for u in USERS],
        password=password,
        counts=counts,
        seconds=time.monotonic() - started,
        example=example,
    )
