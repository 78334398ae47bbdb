"""Parallel audit chains (so unrelated actions don't queue behind one lock).

Existing events stay where they are: chain 0, position = their sequence number, hash layout 1.
New events get hash layout 2, which covers the chain and the position as well. On PostgreSQL the
global sequence number comes from a database sequence, so taking it needs no lock.
"""

from django.conf import settings
from django.db import migrations, models


def place_existing_events(apps, schema_editor):  # type: ignore[no-untyped-def]
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only"
        )
    schema_editor.execute("UPDATE audit_auditevent SET chain_seq = seq, chain = 0")
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS audit_event_seq")
        schema_editor.execute(
            "SELECT setval('audit_event_seq', "
            "COALESCE((SELECT MAX(seq) FROM audit_auditevent), 0) + 1, false)"
        )


def drop_sequence(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS audit_event_seq")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="chain",
            field=models.PositiveSmallIntegerField(default=0, unique=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_seq",
            field=models.BigIntegerField(default=0, verbose_name="position in the chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.RunPython(place_existing_events, drop_sequence),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "chain_seq"), name="audit_chain_position"
            ),
        ),
    ]
