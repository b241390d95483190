"""PostgreSQL triggers that refuse UPDATE and DELETE on the audit tables (README: audit integrity).

The ORM already refuses these writes; the triggers also stop raw SQL, `_base_manager` and any
other client of the database. A transaction that runs `SET LOCAL mithaq.audit_bypass = 'on'`
(only `audit.db.append_only_bypass()` does) passes: a migration that must rewrite, or an erasure
the law requires. SQLite has no such triggers here: it is for development and the demo."""

from django.db import migrations

TABLES = ("audit_transitionentry", "audit_auditdigest", "audit_auditanchor", "audit_auditsigningkey")

FUNCTION = """
CREATE OR REPLACE FUNCTION mithaq_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('mithaq.audit_bypass', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'mithaq: % on % refused: audit records are append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'See the README, section "Audit integrity".';
END;
$$ LANGUAGE plpgsql;
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mithaq_audit_append_only()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS mithaq_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
