"""Audit rows say what kind of actor acted (staff, patient, system task, public) and, for a
task, its name. Rows written before keep both empty; the hash covers them only when set.

SQLite adds these columns by rebuilding the table, which drops its triggers: they are put
back here, unchanged (0002). PostgreSQL adds the columns in place and keeps its triggers.
"""

from typing import Any

from django.db import migrations, models

SQLITE_GUARDS = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]


def guards_back(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_GUARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("staff", "Staff"),
                    ("patient", "Patient"),
                    ("system", "System task"),
                    ("public", "Public"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor_task",
            field=models.CharField(blank=True, help_text="A system task's name.", max_length=80),
        ),
        migrations.RunPython(guards_back, migrations.RunPython.noop),
    ]
