"""Full-text search without diacritics (see egov/documents/search.py).

PostgreSQL: the unaccent extension, an IMMUTABLE wrapper (unaccent itself is only STABLE, so it
cannot appear in an index or a generated column), a stored generated tsvector column and its GIN
index. SQLite: an FTS5 table the app keeps in step. Each branch runs only on its database.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    CREATE OR REPLACE FUNCTION egov_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    """,
    """
    ALTER TABLE documents_document ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, egov_unaccent(search_text))) STORED
    """,
    "CREATE INDEX document_search_gin ON documents_document USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS document_search_gin",
    "ALTER TABLE documents_document DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS egov_unaccent(text)",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_search USING fts5("
    "body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS documents_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
