"""Figures of the public register kept in the shared cache: row counts, year lists, headline counts.

Counting the filed cases of a collectivity reads every one of them; at 100,000 cases that is most of
a request's time. The figures change only when a case is filed, changes state or is corrected, so
they are cached per collectivity under a generation stamp that `invalidate` replaces once such a
write commits (cases.services calls it on commit). A cached figure is therefore exact: the next
request after a commit counts again. With the per-process local-memory cache (development) each
process keeps its own figures and only the writing process sees the new stamp at once; production
shares one cache (README, "Performance at scale").
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator

# A day: the stamp makes stale entries unreachable, the timeout only frees their memory.
TIMEOUT = 24 * 60 * 60
_ALL = "all"


def _stamp_key(collectivity_id: int | None) -> str:
    return f"mithaq:register:stamp:{collectivity_id or _ALL}"


def _stamp(collectivity_id: int | None) -> str:
    key = _stamp_key(collectivity_id)
    stamp = cache.get(key)
    if stamp is None:
        cache.add(key, str(time.time_ns()), None)
        stamp = cache.get(key) or "0"
    return stamp


def stamp(collectivity_id: int | None) -> str:
    """The current generation stamp (None: every collectivity's); other caches key on it too
    (cases.page_cache)."""
    return _stamp(collectivity_id)


def stamp_key(collectivity_id: int | None) -> str:
    """Where the stamp is kept, for a reader that fetches it together with its own entry."""
    return _stamp_key(collectivity_id)


def cached(collectivity_id: int | None, name: str, params: dict, compute: Callable[[], Any]) -> Any:
    """`compute()` for these parameters, from the cache while no case of the collectivity changed."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:24]
    key = f"mithaq:register:{collectivity_id or _ALL}:{_stamp(collectivity_id)}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def invalidate(collectivity_id: int | None) -> None:
    """A case of this collectivity changed: its figures and those of every collectivity together."""
    stamp = str(time.time_ns())
    cache.set_many({_stamp_key(collectivity_id): stamp, _stamp_key(None): stamp}, None)


class CountedPaginator(Paginator):
    """A paginator told its row count (a cached, exact figure) instead of counting the rows again."""

    def __init__(self, object_list, per_page, *args, count: int, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.__dict__["count"] = count
