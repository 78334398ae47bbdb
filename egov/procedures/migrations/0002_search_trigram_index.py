"""On PostgreSQL, a trigram index lets the folded search column answer ``LIKE '%word%'``.

pg_trgm is a trusted extension (PostgreSQL ≥ 13), so the database owner may create it. Where the
role may not, the index is skipped and search falls back to a scan of the (small) catalog table,
which stays correct; SQLite needs nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, migrations, transaction

INDEX = "procedure_search_trgm"


def create_index(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON procedures_procedure "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
