"""The shared cache of the clock's rules and holidays: its keys, and dropping them after a write.

clocks/deadlines.py reads through it; the post_save and post_delete receivers (clocks/apps.py) and
the bulk writes of clocks.models' querysets drop what a write touched. Kept apart from both so that
clocks.models need not import clocks.deadlines, which imports the models.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

# Rules and holiday confirmations change a few times a year and are read by every transition: they
# are kept in the shared cache, dropped when rows are written (now, and again on commit, so a
# reader in between does not keep the old rows), and at the latest after CACHE_SECONDS (a change
# rolled back after a reader cached it inside the same transaction).
CACHE_SECONDS = 300


def rules_key(collectivity_id: int) -> str:
    return f"clocks:rules:{collectivity_id}"


def holidays_key(year: int) -> str:
    return f"clocks:holidays:{year}"


def forget(keys: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop `keys` now and again when the transaction of `using` commits (at once outside one)."""
    keys = tuple(keys)
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys), using=using)
