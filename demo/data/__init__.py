"""The Demnate demo (docs/domain.md §11): its data, the JSON files beside this module, and the
names `manage.py seed_demo` and the tests use.

Where things live: demo/data/*.json the organisation, people, texts and cases; `demo.loader`
reads them; `demo.planner` draws every date and text from a fixed seed; `demo.organisation`,
`demo.people` and `demo.history` write the rows; `demo.seeding` runs it all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from demo import seeding
from demo.definitions import DEFAULT_PASSWORD, SEED, SeedError, Spec
from demo.loader import CASES, USERS
from demo.organisation import session_calendar
from demo.planner import Planner, history_end
from demo.seeding import SeedReport

__all__ = [
    "CASES",
    "DEFAULT_PASSWORD",
    "SEED",
    "USERS",
    "Planner",
    "SeedError",
    "SeedReport",
    "Spec",
    "history_end",
    "seed_demo",
    "session_calendar",
]


def seed_demo(*, password: str = DEFAULT_PASSWORD, log: Callable[[str], None] | None = None) -> SeedReport:
    """Seed the demo with this module's CASES (read when called: a test may replace them)."""
    return seeding.seed_demo(password=password, log=log, cases=CASES)
