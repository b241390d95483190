"""Statements of a fixed shape, compiled once per database connection (docs/architecture.md, "The cost
of a transition").

A transition runs the same few statements every time: lock the case, read its active task, write the
history row. Django compiles each queryset and each save anew, and on a transition that compilation
costs more than the round trips themselves. Here the ORM still writes the SQL (its quoting, its
FOR UPDATE, its converters) and builds the instances; only the compilation is kept and reused, with
the one varying value passed as a parameter.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from weakref import WeakKeyDictionary

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.fields import AutoFieldMixin
from django.db.models.query import get_related_populators

_INT32 = (-(2**31), 2**31 - 1)
# Stand for the varying values while the queryset is compiled; found again among the parameters.
_SENTINELS = [1_987_654_301 + i for i in range(8)]  # within every integer column's range


class PreparedQuery:
    """`build(*keys)` returns the queryset for integer keys (primary keys, ids); `fetch(*keys)` runs
    it and returns its instances, as the queryset would (select_related objects included)."""

    def __init__(self, build: Callable[..., QuerySet], arity: int = 1):
        self._build = build
        self._arity = arity
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()
        self._guard = threading.Lock()

    def _compile(self, connection, using: str):
        sentinels = _SENTINELS[: self._arity]
        queryset = self._build(*sentinels).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        positions = []
        for sentinel in sentinels:
            found = [i for i, p in enumerate(params) if isinstance(p, int) and p == sentinel]
            if len(found) != 1:  # each key must be a parameter of its own, used once
                raise ValueError("a prepared query must use each of its keys exactly once")
            positions.append(found[0])
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        fields = [s[0] for s in select[: compiler.col_count]]
        entry = {
            "sql": sql,
            "params": list(params),
            # The driver's own integer type where the backend wraps one (psycopg's Int4, say).
            "positions": [(i, type(params[i])) for i in positions],
            "model": klass_info["model"],
            "init_list": [f[0].target.attname for f in select[start:end]],
            "slice": (start, end),
            "populators": get_related_populators(klass_info, select, using),
            "converters": compiler.get_converters(fields),
            "for_update": queryset.query.select_for_update,
        }
        with self._guard:
            self._compiled[connection] = entry
        return entry

    @staticmethod
    def _plain_keys(keys) -> bool:
        return not any(
            isinstance(k, bool) or not isinstance(k, int) or not _INT32[0] <= k <= _INT32[1] for k in keys
        )

    def _statement(self, connection, using: str, keys) -> tuple[dict, str, list]:
        entry = self._compiled.get(connection) or self._compile(connection, using)
        if entry["for_update"] and connection.get_autocommit():
            # What the ORM refuses too: a row lock outside a transaction would be released at once.
            from django.db.transaction import TransactionManagementError

            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(entry["params"])
        for (position, wrap), key in zip(entry["positions"], keys, strict=True):
            params[position] = wrap(key)
        return entry, entry["sql"], params

    def fetch(self, *keys: int, using: str = "default") -> list[Model]:
        if not self._plain_keys(keys):
            # Beyond what the compiled parameter may hold: the ORM's own checks (an id no column can
            # hold matches nothing).
            return list(self._build(*keys).using(using))
        connection = connections[using]
        entry, sql, params = self._statement(connection, using, keys)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return self._instances(entry, rows, connection, using)

    @staticmethod
    def _instances(entry: dict, rows, connection, using: str) -> list[Model]:
        converters = entry["converters"]
        model, init_list, (start, end) = entry["model"], entry["init_list"], entry["slice"]
        out = []
        for raw in rows:
            row = list(raw)
            for pos, (convs, expression) in converters.items():
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
            obj = model.from_db(using, init_list, row[start:end])
            for populator in entry["populators"]:
                populator.populate(row, obj)
            out.append(obj)
        return out


def fetch_together(*calls: tuple[PreparedQuery, tuple], using: str = "default") -> list[list[Model]]:
    """Run several prepared queries in order and return each one's instances, as `fetch` would; on
    PostgreSQL in one round trip (the statements run one after the other on the server, so a row
    lock taken by the first holds for the reads after it)."""
    connection = connections[using]
    if not _batches_statements(connection) or not all(PreparedQuery._plain_keys(keys) for _, keys in calls):
        return [query.fetch(*keys, using=using) for query, keys in calls]
    statements = [query._statement(connection, using, keys) for query, keys in calls]
    out = []
    with connection.cursor() as cursor:
        sql = ";\n".join(sql for _, sql, _ in statements)
        cursor.execute(sql, [p for _, _, ps in statements for p in ps])
        for i, (entry, _, _) in enumerate(statements):
            if i:
                cursor.nextset()
            out.append(PreparedQuery._instances(entry, cursor.fetchall(), connection, using))
    return out


# Write batches (docs/architecture.md, "The cost of a transition"). The rows a transition writes and
# never reads back in its own transaction (the audit entry, history rows, the desk's tasks, the
# outbox row) are queued while a batch is open and sent together, in one round trip, when it closes:
# on PostgreSQL several statements travel in one simple query when the driver binds parameters on
# the client (Django's default with psycopg 3). Anywhere else each statement runs at once.
_BATCH_ATTR = "_mithaq_write_batch"


def _batches_statements(connection) -> bool:
    return connection.vendor == "postgresql" and not connection.settings_dict.get("OPTIONS", {}).get(
        "server_side_binding"
    )


@contextlib.contextmanager
def write_batch(using: str = "default"):
    """Queue the statements of `execute_write` until the block ends, then send them in one round
    trip. Open it inside the transaction: if the block raises, nothing queued is sent (the
    transaction rolls back all the same); a batch inside a batch joins the outer one."""
    connection = connections[using]
    if not _batches_statements(connection) or getattr(connection, _BATCH_ATTR, None) is not None:
        yield
        return
    queued: list = []
    setattr(connection, _BATCH_ATTR, queued)
    try:
        yield
    finally:
        setattr(connection, _BATCH_ATTR, None)
    _send(connection, queued)


def flush_writes(using: str = "default") -> None:
    """Send what the open write batch queued so far (the batch stays open): for code that must read
    back, inside the batch, a row written in it."""
    connection = connections[using]
    queued = getattr(connection, _BATCH_ATTR, None)
    if queued:
        pending = list(queued)
        queued.clear()
        _send(connection, pending)


def execute_write(connection, sql: str, params: list, on_row: Callable | None = None) -> None:
    """Run a write that returns at most one row (given to `on_row`), or queue it in the open batch.
    Whoever queues must not read the row back before the batch closes."""
    queued = getattr(connection, _BATCH_ATTR, None)
    if queued is not None:
        queued.append((sql, params, on_row))
        return
    _send(connection, [(sql, params, on_row)])


def _send(connection, statements: list) -> None:
    if not statements:
        return
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(s for s, _, _ in statements), [p for _, ps, _ in statements for p in ps])
        for i, (_, _, on_row) in enumerate(statements):
            if i:
                cursor.nextset()
            if on_row is not None:
                on_row(cursor.fetchone())


# The INSERT of each model, compiled once per connection.
_INSERTS: WeakKeyDictionary = WeakKeyDictionary()


def _statements_of(registry: WeakKeyDictionary, connection) -> dict:
    """The statements compiled for this connection in `registry`."""
    compiled = registry.get(connection)
    if compiled is None:
        with _insert_guard:
            compiled = registry.setdefault(connection, {})
    return compiled


def insert_row(obj: Model, using: str | None = None, *, returning: bool = False) -> None:
    """One INSERT of a new instance's columns (every one but a generated key), the values prepared
    as Model.save prepares them; with `returning`, the new key is set on the instance. No save()
    override and no pre_save/post_save signal runs: for rows nothing listens to (the audit entry,
    the outbox row, history rows)."""
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    connection = connections[using]
    compiled = _statements_of(_INSERTS, connection)
    entry = compiled.get((model, returning))
    if entry is None:
        pk = model._meta.pk
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and isinstance(f, AutoFieldMixin)) and not getattr(f, "generated", False)
        ]
        qn = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (identifiers from the model's metadata)
            qn(model._meta.db_table),
            ", ".join(qn(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        if returning:
            sql += f" RETURNING {qn(pk.column)}"
        entry = compiled[(model, returning)] = (sql, fields)
    sql, fields = entry
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]

    def keep_key(row) -> None:
        obj.pk = row[0]

    # In an open write batch the key arrives when the batch is sent.
    execute_write(connection, sql, params, keep_key if returning else None)
    obj._state.adding = False
    obj._state.db = using


_insert_guard = threading.Lock()


# The UPDATE of each model and set of columns, compiled once per connection.
_UPDATES: WeakKeyDictionary = WeakKeyDictionary()


def update_row(
    obj: Model, fields: list[str], *, expect: dict, on_missing: Callable, using: str | None = None
):
    """One UPDATE of `fields` (attribute names) of a saved instance, the values prepared as
    Model.save prepares them, on the row whose key and `expect` columns (attribute: value) still
    match; `on_missing()` is called (and may raise) when no row matched, which in a write batch is
    known when the batch is sent. No save() override and no signal runs: the caller sends them."""
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    connection = connections[using]
    compiled = _statements_of(_UPDATES, connection)
    key = (model, tuple(fields), tuple(expect))
    entry = compiled.get(key)
    if entry is None:
        meta, qn = model._meta, connection.ops.quote_name
        columns = [meta.get_field(name) for name in fields]
        checks = [meta.get_field(name) for name in expect]
        sql = "UPDATE {} SET {} WHERE {} RETURNING {}".format(  # noqa: S608 (identifiers from the model's metadata)
            qn(meta.db_table),
            ", ".join(f"{qn(f.column)} = %s" for f in columns),
            " AND ".join(f"{qn(f.column)} = %s" for f in [meta.pk, *checks]),
            qn(meta.pk.column),
        )
        entry = compiled[key] = (sql, columns, [meta.pk, *checks])
    sql, columns, checks = entry
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in columns]
    params += [
        meta_f.get_db_prep_value(value, connection)
        for meta_f, value in zip(checks, [obj.pk, *expect.values()], strict=True)
    ]

    def matched(row) -> None:
        if row is None:
            on_missing()

    execute_write(connection, sql, params, matched)
