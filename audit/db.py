"""The one way past the PostgreSQL append-only triggers (README: audit integrity)."""

from __future__ import annotations

import contextlib

from django.db import connections, transaction


@contextlib.contextmanager
def append_only_bypass(using: str = "default"):
    """Let the enclosed statements change or remove audit rows, inside one transaction.

    Only for a migration that must rewrite the audit tables or an erasure the law requires; each
    use is a documented, reviewed exception. It is a guard against mistakes and application bugs,
    not against the database's owner, who can drop a trigger: the signed, published digests are
    what reveal such a rewrite."""
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL mithaq.audit_bypass = 'on'")
        yield
        # An enclosing transaction must not keep the bypass; on an error, the rollback to the
        # savepoint undoes the SET LOCAL anyway.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL mithaq.audit_bypass = 'off'")
