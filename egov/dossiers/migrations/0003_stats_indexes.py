"""Indexes for the one-stop statistics (egov/dossiers/stats.py).

On PostgreSQL the included columns let a period of registrations (and of completed steps) be
aggregated by an index-only scan; SQLite has no INCLUDE and gets the plain indexes.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_ratings"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=["registered_at", "procedure"],
                include=(
                    "receiving_unit",
                    "receiving_agency",
                    "channel",
                    "status",
                    "accepted_at",
                    "received_at",
                    "finished_at",
                    "timeliness",
                    "supplement_count",
                ),
                name="dossier_stats_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="dossierstep",
            index=models.Index(
                fields=["completed_at"],
                include=("agency", "timeliness"),
                name="dossier_step_completed",
            ),
        ),
    ]
