"""The data of bench/pages.py: N cases (and their audit entries, desk tasks and notifications) written
with set-based SQL at the size asked, on a database bench/pages.py has already set up Django for."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

# Share of the cases in each state; one in ten waits for the bureau (submitted).
STATES = {
    "draft": 0.04,
    "submitted": 0.10,
    "in_committee": 0.12,
    "reported": 0.04,
    "on_agenda": 0.06,
    "adopted": 0.06,
    "in_implementation": 0.08,
    "implemented": 0.20,
    "rejected": 0.14,
    "inadmissible": 0.10,
    "withdrawn": 0.06,
}
KINDS = ("proposal", "petition")
# Open stages stay recent; decided cases are spread over three years.
RECENT_STATES = {"submitted", "in_committee", "reported", "on_agenda", "draft"}


def _columns(table: str) -> list[str]:
    with connection.cursor() as cur:
        return [c.name for c in connection.introspection.get_table_description(cur, table)]


def _types(table: str) -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table]
        )
        return dict(cur.fetchall())


def _shifted(table: str, alias: str, delta: str, overrides: dict[str, str]) -> tuple[str, str]:
    """Column list and select list copying `alias`'s row, every date moved back by `delta`."""
    cols = [c for c in _columns(table) if c != "id"]
    types = _types(table)
    select = []
    for c in cols:
        if c in overrides:
            select.append(overrides[c])
        elif types.get(c, "").startswith("timestamp"):
            select.append(f"{alias}.{c} - {delta}")
        elif types.get(c) == "date":
            select.append(f"({alias}.{c} - {delta})::date")
        else:
            select.append(f"{alias}.{c}")
    return ", ".join(f'"{c}"' for c in cols), ", ".join(select)


def _max_id(table: str) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return cur.fetchone()[0]


def plan_copies(templates, n: int) -> list[tuple[str, str, int, int]]:
    """(state, kind, template pk, copies): n cases in STATES' shares, spread over each state's
    templates (one per kind that can reach it)."""
    plan = []
    for state, share in STATES.items():
        kinds = [(s, k, pk) for s, k, pk in templates if s == state]
        total = round(n * share)
        for i, (_s, kind, pk) in enumerate(kinds):
            plan.append((state, kind, pk, total // len(kinds) + (1 if i < total % len(kinds) else 0)))
    return plan


def copy_history(cur, *, ct: int, template_pk: int, case_before: int, process_before: int) -> None:
    """For every case copied from the template since `case_before`, the template's desk process,
    tasks and audit entries, moved by the copy's own shift in time."""
    # Each copy's shift, for its process, tasks and audit entries.
    shift = "(t0.created_at - c.created_at)"
    p_cols, p_select = _shifted("viewflow_process", "p", shift, {"artifact_object_id": "c.id"})
    cur.execute(
        f"""
        INSERT INTO viewflow_process ({p_cols})
        SELECT {p_select}
        FROM viewflow_process p
        JOIN cases_case t0 ON t0.id = p.artifact_object_id
        JOIN cases_case c ON c.id > %s
        WHERE p.artifact_content_type_id = %s AND p.artifact_object_id = %s
        """,
        [case_before, ct, template_pk],
    )
    t_cols, t_select = _shifted("viewflow_task", "tk", shift, {"process_id": "np.id"})
    cur.execute(
        f"""
        INSERT INTO viewflow_task ({t_cols})
        SELECT {t_select}
        FROM viewflow_task tk
        JOIN viewflow_process tp ON tp.id = tk.process_id
        JOIN cases_case t0 ON t0.id = tp.artifact_object_id
        JOIN viewflow_process np ON np.id > %s
        JOIN cases_case c ON c.id = np.artifact_object_id
        WHERE tp.artifact_content_type_id = %s AND tp.artifact_object_id = %s
        """,
        [process_before, ct, template_pk],
    )
    a_cols, a_select = _shifted(
        "audit_transitionentry",
        "e",
        shift,
        {"case_id": "c.id", "hash": "md5(c.id || '-' || e.seq) || md5(e.seq || '-' || c.id)"},
    )
    cur.execute(
        f"""
        INSERT INTO audit_transitionentry ({a_cols})
        SELECT {a_select}
        FROM audit_transitionentry e
        JOIN cases_case t0 ON t0.id = e.case_id
        JOIN cases_case c ON c.id > %s
        WHERE e.case_id = %s
        """,
        [case_before, template_pk],
    )


def generate(n: int) -> dict:
    from cases.models import Case
    from tests.factories import World
    from workflows.desk import case_content_type

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    # The bench users log in with force_login: their passwords need no slow hashing.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        world = World()
    templates = []
    for state in STATES:
        for kind in KINDS:
            try:
                case = world.case_in(state, kind)
            except ValueError:
                continue
            templates.append((state, kind, case.pk))
    print(
        f"templates: {len(templates)} cases through the services in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    ct = case_content_type().pk
    case_cols, _ = _shifted("cases_case", "t", "d.delta", {})
    plan = plan_copies(templates, n)
    with connection.cursor() as cur:
        for group, (state, _kind, pk, count) in enumerate(plan):
            if count <= 0:
                continue
            span = 180 if state in RECENT_STATES else 1095
            case_before, process_before = _max_id("cases_case"), _max_id("viewflow_process")
            # Each copy is moved back in time by `delta` from its template; every date moves with it.
            delta_sql = (
                f"(t.created_at - now()) + make_interval(days => ((g * 7919) %% {span})) "
                "+ make_interval(secs => ((g * 7907) %% 86400))"
            )
            _cols, select = _shifted(
                "cases_case",
                "t",
                "d.delta",
                {
                    "reference": f"'B{group:02d}-' || g",
                    "sequence": f"{(group + 1) * 1000000} + g",
                    "title": "'Case ' || g || ': ' || t.title",
                    "year": "EXTRACT(YEAR FROM COALESCE(t.submitted_at, t.created_at) - d.delta)::int",
                },
            )
            cur.execute(
                f"""
                INSERT INTO cases_case ({case_cols})
                SELECT {select}
                FROM cases_case t
                CROSS JOIN generate_series(1, %s) g
                CROSS JOIN LATERAL (SELECT {delta_sql} AS delta) d
                WHERE t.id = %s
                """,
                [count, pk],
            )
            copy_history(cur, ct=ct, template_pk=pk, case_before=case_before, process_before=process_before)
            print(f"  {state} {_kind}: {count} cases, {time.perf_counter() - t0:.0f} s", flush=True)
        _notifications(cur, world, n)
        cur.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text)")
        cur.execute(
            "INSERT INTO bench_meta VALUES ('cases', %s), ('collectivity', %s), ('bureau', %s)",
            [str(n), str(world.collectivity.pk), str(world["bureau"].pk)],
        )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return {"generate_seconds": round(time.perf_counter() - t0, 1), "cases": Case.objects.count()}


def _notifications(cur, world, n: int) -> None:
    """In-app notifications: every staff user has some, the bureau a few thousand, 40 unread."""
    from notifications.models import OutboxEvent

    event = OutboxEvent.objects.order_by("id").first()
    users = [u.pk for u in world.users.values()]
    bureau = world["bureau"].pk
    cur.execute(
        """
        INSERT INTO notifications_delivery (outbox_event_id, channel, recipient_key, user_id, email, language,
            status, attempts, last_error, created_at, sent_at, read_at, subject, body, body_html, url,
            unsubscribe_url)
        SELECT %s, 'inapp', 'bench-' || g, CASE WHEN g %% 25 = 0 THEN %s ELSE (%s::int[])[1 + g %% %s] END,
        '',
               'ar', 'sent', 1, '', now() - g * interval '5 minutes', now() - g * interval '5 minutes',
               CASE WHEN g %% 25 = 0 AND g <= 1000 THEN NULL ELSE now() END,
               'Case B-' || g || ' changed', 'The case moved on.', '', '/cases/B-' || g || '/', ''
        FROM generate_series(1, %s) g
        """,
        [event.pk, bureau, users, len(users), n],
    )


# Timing -------------------------------------------------------------------------------------------
