"""Webhook subscriptions of integrators and their deliveries through the outbox."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outbox_templates_preferences"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="WebhookSubscription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "url",
                    models.URLField(
                        help_text="HTTPS address that receives the POST requests.",
                        max_length=254,
                        verbose_name="URL",
                    ),
                ),
                ("secret", models.CharField(max_length=200, verbose_name="signing secret")),
                (
                    "events",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Dossier statuses to report; empty: every status change.",
                        verbose_name="statuses",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "agencies",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Only dossiers involving these agencies; empty: every agency.",
                        related_name="+",
                        to="org.agency",
                        verbose_name="agencies",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook subscription",
                "verbose_name_plural": "webhook subscriptions",
                "ordering": ["name"],
            },
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="channel",
            field=models.CharField(
                choices=[("email", "E-mail"), ("sms", "SMS"), ("webhook", "Webhook")],
                max_length=10,
                verbose_name="channel",
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="webhook",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="deliveries",
                to="notifications.webhooksubscription",
                verbose_name="webhook subscription",
            ),
        ),
    ]
