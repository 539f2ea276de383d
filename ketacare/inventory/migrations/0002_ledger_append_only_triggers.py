"""Database triggers that refuse UPDATE and DELETE on ledger entries, as the audit trail has:
the model refuses already, and raw SQL or another tool must deliberately drop the guard."""

from typing import Any

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER inventory_ledgerentry_no_update BEFORE UPDATE ON inventory_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;""",
    """CREATE TRIGGER inventory_ledgerentry_no_delete BEFORE DELETE ON inventory_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS inventory_ledgerentry_no_update;",
    "DROP TRIGGER IF EXISTS inventory_ledgerentry_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION inventory_ledgerentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER inventory_ledgerentry_append_only BEFORE UPDATE OR DELETE
       ON inventory_ledgerentry FOR EACH ROW EXECUTE FUNCTION inventory_ledgerentry_append_only();""",
    """CREATE TRIGGER inventory_ledgerentry_no_truncate BEFORE TRUNCATE ON inventory_ledgerentry
       FOR EACH STATEMENT EXECUTE FUNCTION inventory_ledgerentry_append_only();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS inventory_ledgerentry_no_truncate ON inventory_ledgerentry;",
    "DROP TRIGGER IF EXISTS inventory_ledgerentry_append_only ON inventory_ledgerentry;",
    "DROP FUNCTION IF EXISTS inventory_ledgerentry_append_only();",
]
STATEMENTS = {"sqlite": (SQLITE_UP, SQLITE_DOWN), "postgresql": (POSTGRES_UP, POSTGRES_DOWN)}


def _run(schema_editor: Any, index: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    for sql in statements[index] if statements else []:
        schema_editor.execute(sql)


def forwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, 0)


def backwards(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
