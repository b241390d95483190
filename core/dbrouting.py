"""Reads from a PostgreSQL read replica (README: production, scaling out).

When `DATABASE_REPLICA_URL` is set, the `replica` connection serves what tolerates a second of
replication lag: the public pages, the public API and the indicators an anonymous visitor reads,
and the exports and figures computed in the background. Everything else, every write, and every
read inside a transaction stays on the primary: a person who has just acted reads their own
write (logged-in users never read from the replica)."""

from __future__ import annotations

import contextlib
import contextvars

from django.conf import settings
from django.db import connections

REPLICA = "replica"

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("mithaq_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and getattr(settings, "MITHAQ_REPLICA_READS", True)


@contextlib.contextmanager
def replica_reads():
    """Reads in this block go to the replica, if one is configured."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Only reads move; writes, migrations and relations are the primary's."""

    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or not replica_configured():
            return None
        if connections["default"].in_atomic_block:
            return None  # a transaction on the primary reads what it writes
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Anonymous GET and HEAD requests to the public read views (settings.MITHAQ_REPLICA_VIEWS,
    URL names) read from the replica. Placed after AuthenticationMiddleware: whether the visitor
    is logged in is decided on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            block = getattr(request, "_mithaq_replica", None)
            if block is not None:
                block.__exit__(None, None, None)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not replica_configured() or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if match is None or match.view_name not in settings.MITHAQ_REPLICA_VIEWS:
            return None
        if request.user.is_authenticated:
            return None
        # A DRF token in the header authenticates later, inside the view: such a client acts, so
        # it reads the primary too.
        if request.headers.get("Authorization"):
            return None
        request._mithaq_replica = replica_reads()
        request._mithaq_replica.__enter__()
        return None
